import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  INACTIVE,
  SEVERITY_RANK,
  aggregate,
  groupLocations,
  hold,
  isHistoryRule,
  locationCountRule,
  labelsMatch,
  reduce,
  release,
  seriesKey,
  step,
  type RuleSpec,
  type SeriesState,
  type Step,
  type Logger,
} from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import { CollectorHealthBoard, SampleReader, type LiveSample, type RedisKeys } from '@vigia/live';
import type { AlertEvent, AlertStore, Change, StoredState } from './alert-store.ts';
import { publishAlertEvents } from './alert-events.ts';
import type { Observation } from './observation.ts';
import { COLLECTOR_UP_METRIC, channelsFor } from './rules.ts';
import { SuppressionCache } from './suppression-cache.ts';
import type { Suppressions } from './suppression.ts';

export type { Observation } from './observation.ts';

/** Observes rules whose value does not come from the live window (SLOs, forecasts, baselines), once per tick. */
export interface RuleObserver {
  observe(now: number): Promise<Observation[]>;
}

/** Rules an observer gives values for: the live window never sees them. */
export const observedElsewhere = (rule: RuleSpec) => rule.slo !== undefined || isHistoryRule(rule);

export interface TickResult {
  rules: number;
  series: number;
  transitions: number;
  events: AlertEvent[];
  durationMs: number;
}

/**
 * One evaluation tick: every rule over the live window in Redis, every series through the state
 * machine, every change committed with its notifications. A BullMQ job scheduler runs it once
 * per tick however many workers there are; the version check makes a change apply once even
 * when a person acts on the same alert at the same moment.
 */
export class Evaluator {
  private readonly reader: SampleReader;
  private readonly health: CollectorHealthBoard;
  private readonly suppressions: SuppressionCache;
  private ticks = 0;
  private rulesByName = new Map<string, RuleSpec>();
  /** Per N-of-M rule, the rule its location groups step with (see locationCountRule). */
  private countRules = new Map<string, RuleSpec>();

  constructor(
    private rules: RuleSpec[],
    private readonly config: VigiaConfig,
    private readonly store: AlertStore,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    /** Observe the SLO, forecast and baseline rules on each tick; without them those are never evaluated. */
    private readonly observers: RuleObserver[] = [],
  ) {
    this.reader = new SampleReader(redis, keys);
    this.replaceRules(rules);
    this.health = new CollectorHealthBoard(redis, keys);
    this.suppressions = new SuppressionCache(store.db, config.maintenanceWindows, redis, keys.suppressionsVersion);
  }

  /** The rules from the next tick on: SLOs stored in PostgreSQL come and go while the worker runs. */
  replaceRules(rules: RuleSpec[]): void {
    this.rules = rules;
    this.rulesByName = new Map(rules.map((r) => [r.name, r]));
    this.countRules = new Map();
    for (const rule of rules) if (rule.locations) this.countRules.set(rule.name, locationCountRule({ ...rule, locations: rule.locations }));
  }

  /** A synthetic series per collector: 1 while it reports, 0 once it has been silent for three intervals. */
  private async collectorUp(now: number): Promise<LiveSample[]> {
    return (await this.health.list()).map((h) => {
      const silentFor = now - (h.lastSuccessAt ?? 0);
      const labels = { collector: h.name };
      return { key: seriesKey(COLLECTOR_UP_METRIC, labels), name: COLLECTOR_UP_METRIC, labels, value: silentFor <= Math.max(3 * h.intervalMs, 30_000) ? 1 : 0, timestamp: now };
    });
  }

  private async observe(now: number, states: Map<string, StoredState>): Promise<Observation[]> {
    // One set of rules for the whole tick: replaceRules may run while it awaits Redis.
    const rules = this.rules;
    const [current, up, , since, ...observed] = await Promise.all([
      this.reader.current(),
      this.collectorUp(now),
      this.redis.set(this.keys.dataSince, String(now), 'NX'),
      this.redis.get(this.keys.dataSince),
      ...this.observers.map((o) => o.observe(now)),
    ]);
    const dataSince = Number(since ?? now);
    const byMetric = new Map<string, LiveSample[]>();
    for (const s of [...current, ...up]) {
      let list = byMetric.get(s.name);
      if (!list) byMetric.set(s.name, (list = []));
      list.push(s);
    }
    // Windows for every (rule, series) that needs more than the newest value, in one round trip.
    const windowed: { rule: RuleSpec; sample: LiveSample; index: number }[] = [];
    const pipeline = this.redis.pipeline();
    const matches = rules.map((rule) => (observedElsewhere(rule) ? [] : (byMetric.get(rule.metric) ?? []).filter((s) => labelsMatch(s.labels, rule.labels))));
    rules.forEach((rule, r) => {
      if (rule.reduce === 'last') return;
      for (const sample of matches[r]!) {
        windowed.push({ rule, sample, index: windowed.length });
        pipeline.zrangebyscore(this.keys.window(sample.key), now - rule.windowMs, '+inf');
      }
    });
    const windows = windowed.length ? ((await pipeline.exec()) ?? []) : [];
    const windowValue = new Map<string, number | null>();
    windowed.forEach(({ rule, sample, index }) => {
      const members = (windows[index]?.[1] as string[] | undefined) ?? [];
      const points = members.map((m) => {
        const i = m.indexOf(':');
        return { t: Number(m.slice(0, i)), v: Number(m.slice(i + 1)) };
      });
      windowValue.set(`${rule.name}\u0000${sample.key}`, reduce(points, rule.reduce));
    });

    const out: Observation[] = (observed as Observation[][]).flat();
    rules.forEach((rule, r) => {
      if (observedElsewhere(rule)) return;
      const seen = new Set<string>();
      const valueOf = (s: LiveSample) => (rule.reduce === 'last' ? (now - s.timestamp <= rule.windowMs ? s.value : null) : (windowValue.get(`${rule.name}\u0000${s.key}`) ?? null));
      const series = matches[r]!;
      if (rule.aggregate) {
        const values = series.map(valueOf).filter((v): v is number => v !== null);
        const labels = rule.labels ?? {};
        const key = seriesKey(rule.metric, { ...labels, __aggregate: rule.aggregate });
        seen.add(key);
        if (values.length || rule.noData === 'alerting' || states.has(`${rule.name}\u0000${key}`))
          out.push({ rule, seriesKey: key, labels, value: aggregate(values, rule.aggregate), unit: series[0]?.unit });
      } else if (rule.locations) {
        const counting = this.countRules.get(rule.name)!;
        for (const group of groupLocations({ ...rule, locations: rule.locations }, series, valueOf)) {
          seen.add(group.seriesKey);
          out.push({ rule: counting, seriesKey: group.seriesKey, labels: group.labels, value: group.reporting ? group.failing : null });
        }
      } else {
        for (const s of series) {
          seen.add(s.key);
          out.push({ rule, seriesKey: s.key, labels: s.labels, value: valueOf(s), unit: s.unit });
        }
        if (series.length === 0 && rule.noData === 'alerting') {
          const key = seriesKey(rule.metric, rule.labels);
          seen.add(key);
          out.push({ rule, seriesKey: key, labels: rule.labels ?? {}, value: null });
        }
      }
      // Series the engine tracks that stopped reporting: no data. Right after Redis lost its data
      // (a restart) every series looks absent; they keep their state until a window has passed.
      if (now - dataSince < rule.windowMs) return;
      for (const stored of states.values()) {
        if (stored.rule === rule.name && !seen.has(stored.seriesKey) && stored.state.status !== 'inactive') {
          out.push({ rule: this.countRules.get(rule.name) ?? rule, seriesKey: stored.seriesKey, labels: stored.labels, value: null });
        }
      }
    });
    return out;
  }

  /**
   * Rules on the same metric and series share one episode: a stricter rule that starts to hold
   * raises the open episode's severity (an `escalated` message, not a second alert), and a rule
   * that stops holding while another still does lowers it without resolving it.
   */
  private ladder(rule: RuleSpec, key: string, prev: SeriesState, result: Step, bySeries: Map<string, StoredState[]>, now: number): { result: Step; extra?: Partial<Change>; comment?: string } {
    const sloRepeat = rule.slo !== undefined && result.events.includes('repeat');
    if (!result.newEpisode && !result.events.includes('resolved') && !sloRepeat) return { result };
    const byName = (name: string) => this.rulesByName.get(name);
    const active = (s: SeriesState) => s.status === 'firing' || s.status === 'acknowledged';
    const siblings = (bySeries.get(key) ?? []).filter((s) => s.rule !== rule.name && active(s.state) && s.state.episodeId && byName(s.rule)?.metric === rule.metric);
    if (sloRepeat) {
      // The stricter rule of the SLO reminds people of the alert; a second reminder would say less.
      const stricter = siblings.some((s) => s.state.episodeId === prev.episodeId && SEVERITY_RANK[byName(s.rule)!.severity] > SEVERITY_RANK[rule.severity]);
      if (!stricter) return { result };
      return { result: { ...result, state: { ...result.state, notifySeq: prev.notifySeq, repeats: prev.repeats }, events: [], notify: undefined } };
    }
    if (result.newEpisode) {
      const lower = siblings.find((s) => SEVERITY_RANK[byName(s.rule)!.severity] < SEVERITY_RANK[rule.severity]);
      // An SLO is one alert: its ticket rule starting while its page rule holds joins that episode
      // without a word (the alert says more than a ticket already).
      const stricter = rule.slo ? siblings.find((s) => SEVERITY_RANK[byName(s.rule)!.severity] >= SEVERITY_RANK[rule.severity]) : undefined;
      if (!lower && stricter) {
        const joined = { ...result.state, episodeId: stricter.state.episodeId, status: stricter.state.status, notifiedState: stricter.state.notifiedState, lastNotifiedAt: now };
        return { result: { ...result, state: joined, newEpisode: false, events: [], notify: undefined } };
      }
      if (!lower) return { result };
      return {
        result: { ...result, state: { ...result.state, episodeId: lower.state.episodeId }, newEpisode: false, events: ['escalated'], notify: result.notify ? 'escalated' : undefined },
        extra: { severity: rule.severity },
        comment: `severity raised to ${rule.severity}: rule "${rule.name}" holds on this series`,
      };
    }
    if (result.events.includes('resolved') && prev.episodeId) {
      const others = siblings.filter((s) => s.state.episodeId === prev.episodeId);
      if (!others.length) return { result };
      const highest = others.map((s) => byName(s.rule)!.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0]!;
      return {
        result: { ...result, state: { ...result.state, notifiedState: 'resolved' }, events: ['lowered'], notify: undefined },
        extra: { keepEpisodeOpen: true, severity: highest },
        comment: `rule "${rule.name}" no longer holds; the alert goes on at ${highest}`,
      };
    }
    return { result };
  }

  /**
   * Steps each observed series through the state machine, with the ladder and suppressions, and
   * returns the changes to commit. `states` is updated as it goes, so later series see earlier
   * changes (two rules sharing an episode); the caller's database commit catches up. With
   * `releaseHeld`, resolved series still holding a message that were not observed are released.
   */
  private plan(observations: Observation[], states: Map<string, StoredState>, suppressions: Suppressions, now: number, releaseHeld: boolean): Change[] {
    const bySeries = new Map<string, StoredState[]>();
    for (const s of states.values()) {
      const list = bySeries.get(s.seriesKey);
      if (list) list.push(s);
      else bySeries.set(s.seriesKey, [s]);
    }
    const touched = new Set<string>();
    const changes: Change[] = [];
    const apply = (o: Observation, prev: typeof INACTIVE, result: Step, version: number | null, comment?: string, extra: Partial<Change> = {}) => {
      const next: StoredState = { rule: o.rule.name, seriesKey: o.seriesKey, labels: o.labels, state: result.state, version: (version ?? 0) + 1 };
      states.set(`${o.rule.name}\u0000${o.seriesKey}`, next);
      bySeries.set(o.seriesKey, [...(bySeries.get(o.seriesKey) ?? []).filter((s) => s.rule !== o.rule.name), next]);
      changes.push({
        ...extra,
        rule: o.rule,
        metric: o.rule.metric,
        seriesKey: o.seriesKey,
        labels: o.labels,
        version,
        prev,
        step: result,
        value: o.value,
        now,
        actor: 'vigia',
        comment,
        channels: channelsFor(o.rule, this.config),
        unit: o.unit,
        summary: o.summary,
      });
    };
    for (const o of observations) {
      const id = `${o.rule.name}\u0000${o.seriesKey}`;
      touched.add(id);
      const stored = states.get(id);
      const prev = stored?.state ?? INACTIVE;
      let result = step(prev, o.value, o.rule, now, randomUUID);
      const ladder = this.ladder(o.rule, o.seriesKey, prev, result, bySeries, now);
      result = ladder.result;
      const suppressed = suppressions.match(o.rule.name, o.labels);
      if (result.notify && suppressed) result = hold(prev, result, now);
      else if (!suppressed && result.state.held) {
        // Nothing covers it any more: send what was held, if receivers need it.
        const released = release(result.state, now);
        if (released) result = { ...released, events: [...result.events, ...released.events], newEpisode: result.newEpisode, notify: released.notify ?? result.notify, changed: true };
      }
      if (!result.changed) continue;
      apply(o, prev, result, stored?.version ?? null, result.events.includes('held') ? `held by ${suppressed!.description}` : ladder.comment, ladder.extra);
    }
    if (!releaseHeld) return changes;
    // Resolved series still holding a message (a resolution never announced) are not observed any more.
    for (const [id, stored] of states) {
      if (touched.has(id) || !stored.state.held) continue;
      const rule = this.rulesByName.get(stored.rule);
      if (!rule || suppressions.match(rule.name, stored.labels)) continue;
      const released = release(stored.state, now);
      if (released) apply({ rule, seriesKey: stored.seriesKey, labels: stored.labels, value: null }, stored.state, released, stored.version);
    }
    return changes;
  }

  /** Commits changes a group per transaction (`onCommitted` after each) and publishes what happened. */
  private async commit(changes: Change[], onCommitted?: () => void): Promise<{ events: AlertEvent[]; applied: number; conflicts: Change[] }> {
    const committed = await this.store.commitMany(changes, onCommitted);
    for (const c of committed.conflicts) this.logger.debug('alert changed meanwhile; evaluated again later', { rule: c.rule.name, series: c.seriesKey });
    await publishAlertEvents(this.redis, this.keys, committed.events);
    return committed;
  }

  /**
   * Evaluates the given series only, against `states` (which it updates with what it changes), at
   * `now`: the path a newly arrived sample or a `for` deadline takes, between ticks. Changes that
   * lost a race to another writer come back in `conflicts` and are not in `states` as written.
   */
  async evaluate(observations: Observation[], states: Map<string, StoredState>, now: number, onCommitted?: () => void): Promise<{ events: AlertEvent[]; applied: Change[]; conflicts: Change[] }> {
    const suppressions = await this.suppressions.at(now);
    const changes = this.plan(observations, states, suppressions, now, false);
    if (!changes.length) return { events: [], applied: [], conflicts: [] };
    const { events, conflicts } = await this.commit(changes, onCommitted);
    const lost = new Set(conflicts);
    return { events, applied: changes.filter((c) => !lost.has(c)), conflicts };
  }

  /** `onCommitted` runs after each transaction of the tick's changes (the relay can start sending at once). */
  async tick(now = Date.now(), onCommitted?: () => void): Promise<TickResult> {
    const started = performance.now();
    const [states, suppressions] = await Promise.all([this.store.loadStates(), this.suppressions.at(now)]);
    const observations = await this.observe(now, states);
    const changes = this.plan(observations, states, suppressions, now, true);
    const { events, applied } = await this.commit(changes, onCommitted);
    // Resolved series past their flap window behave like new ones; their rows are dropped now and then.
    if (++this.ticks % 20 === 0) await this.store.forgetQuiet(now - Math.max(0, ...this.rules.map((r) => r.cooldownMs)));
    return { rules: this.rules.length, series: observations.length, transitions: applied, events, durationMs: performance.now() - started };
  }
}
