import { acknowledge, resolveByHand, unacknowledge, type RuleSpec, type Step, type SeriesState } from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@vigia/live';
import { ConcurrentChange, type AlertEvent, type AlertStore, type StoredState } from './alert-store.ts';
import { publishAlertEvents } from './alert-events.ts';
import { channelsFor } from './rules.ts';
import type { Escalations } from './escalation.ts';

export type ActionKind = 'acknowledge' | 'unacknowledge' | 'resolve';

export interface ActionDeps {
  store: AlertStore;
  rules: RuleSpec[];
  config: VigiaConfig;
  redis: Redis;
  keys: RedisKeys;
  /** Steps still waiting are cancelled when a person acknowledges or resolves. */
  escalations?: Escalations;
}

export class ActionError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

const MACHINE: Record<ActionKind, (prev: SeriesState, now: number) => Step | null> = {
  acknowledge: (prev) => acknowledge(prev),
  unacknowledge: (prev, now) => unacknowledge(prev, now),
  resolve: (prev, now) => resolveByHand(prev, now),
};

const VERB: Record<ActionKind, string> = { acknowledge: 'acknowledged', unacknowledge: 'un-acknowledged', resolve: 'resolved' };

/**
 * A person's action on an alert: the same state machine and the same transaction (state,
 * episode, timeline, outbox) as the engine's own transitions.
 */
export async function actOnAlert(deps: ActionDeps, input: { id: string; kind: ActionKind; actor: string; comment?: string; now?: number }): Promise<AlertEvent[]> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = input.now ?? Date.now();
    const found = await deps.store.get(input.id);
    if (!found) throw new ActionError('NOT_FOUND', `no alert ${input.id}`);
    const { alert } = found;
    // Every rule holding this episode (one, or two when a severity was raised) takes the action;
    // the alert's own rule speaks for all of them, so receivers get one message.
    const holders = (await deps.store.statesOfEpisode(alert.id)).sort((a, b) => Number(b.rule === alert.rule) - Number(a.rule === alert.rule));
    const steps = holders.map((h) => ({ holder: h, result: MACHINE[input.kind](h.state, now) })).filter((s): s is { holder: StoredState; result: Step } => s.result !== null);
    if (steps.length === 0) throw new ActionError('CONFLICT', `alert ${input.id} is ${alert.status}; it cannot be ${VERB[input.kind]}`);
    try {
      // One transaction for every holder: the episode never shows one rule acknowledged and the other not.
      const events = await deps.store.commitAll(
        steps.map(({ holder, result }, i) => {
          // The rule as configured now; an alert of a rule since removed still routes by its severity.
          const rule =
            deps.rules.find((r) => r.name === holder.rule) ??
            ({ name: holder.rule, severity: alert.severity, threshold: alert.threshold, operator: alert.operator, annotations: {} } as unknown as RuleSpec);
          return {
            rule,
            metric: alert.metric,
            seriesKey: alert.seriesKey,
            labels: alert.labels,
            version: holder.version,
            prev: holder.state,
            step: i === 0 ? result : { ...result, notify: undefined, events: [] },
            value: alert.value,
            now,
            actor: input.actor,
            comment: input.comment,
            channels: channelsFor(rule, deps.config),
          };
        }),
      );
      await publishAlertEvents(deps.redis, deps.keys, events);
      await deps.escalations?.follow(events);
      return events;
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
      // The engine moved the same alert meanwhile: read it again and retry.
    }
  }
  throw new ActionError('CONFLICT', `alert ${input.id} keeps changing; try again`);
}
