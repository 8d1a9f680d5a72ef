import { compare } from './compare.ts';
import type { RuleSpec } from './rule.ts';

export type SeriesStatus = 'inactive' | 'pending' | 'firing' | 'acknowledged';
export type NotifyReason = 'new' | 'repeat' | 'escalated' | 'acknowledged' | 'resolved';

/**
 * What the engine remembers per rule and series. Persisted, so a restart neither forgets a
 * firing alert nor restarts a `for` countdown.
 */
export interface SeriesState {
  status: SeriesStatus;
  /** When the condition started to hold (pending), ms. */
  pendingSince?: number;
  /** The episode being fired (stable id), and the last one after it resolved. */
  episodeId?: string;
  firedAt?: number;
  /** Set when the engine (not a person) resolved the last episode: inside the flap window it reopens. */
  lastResolvedAt?: number;
  /** keep_firing_for: when the condition stopped holding. */
  clearSince?: number;
  lastNotifiedAt?: number;
  /** What receivers were last told: firing (new/repeat) or resolved. */
  notifiedState: 'none' | 'firing' | 'resolved';
  repeats: number;
  /** Counts notifications of the episode; part of each notification's id. */
  notifySeq: number;
  /** A notification withheld by a silence or maintenance window, released when it ends. */
  held?: NotifyReason;
}

export type EventType = 'pending' | 'firing' | 'reopened' | 'resolved' | 'repeat' | 'acknowledged' | 'unacknowledged' | 'held' | 'released' | 'escalated' | 'lowered';

export interface Step {
  state: SeriesState;
  /** Persisted as the alert's timeline (pending is not an episode yet, so it is reported but not stored on one). */
  events: EventType[];
  notify?: NotifyReason;
  /** A new episode started: the caller creates it with this id. */
  newEpisode?: boolean;
  changed: boolean;
}

export const INACTIVE: SeriesState = { status: 'inactive', notifiedState: 'none', repeats: 0, notifySeq: 0 };

function breaching(value: number, rule: RuleSpec, firing: boolean): boolean {
  // Hysteresis: once firing, the alert holds until the value is past clear_threshold.
  const threshold = firing && rule.clearThreshold !== undefined ? rule.clearThreshold : rule.threshold;
  return compare(value, rule.operator, threshold);
}

function fire(prev: SeriesState, rule: RuleSpec, now: number, newId: () => string): Step {
  const reopen = prev.episodeId !== undefined && prev.lastResolvedAt !== undefined && now - prev.lastResolvedAt < rule.cooldownMs;
  if (reopen) {
    // A series that crosses back within the flap window continues its episode; receivers hear
    // about it again only when the cooldown since the last message has passed (see onFiring).
    const state: SeriesState = { ...prev, status: 'firing', pendingSince: undefined, clearSince: undefined, lastResolvedAt: undefined };
    const due = prev.lastNotifiedAt === undefined || now - prev.lastNotifiedAt >= rule.cooldownMs;
    if (due) return { state: { ...state, notifiedState: 'firing', lastNotifiedAt: now, notifySeq: prev.notifySeq + 1 }, events: ['reopened'], notify: 'repeat', changed: true };
    return { state, events: ['reopened'], changed: true };
  }
  return {
    state: { status: 'firing', episodeId: newId(), firedAt: now, notifiedState: 'firing', lastNotifiedAt: now, repeats: 0, notifySeq: 1 },
    events: ['firing'],
    notify: 'new',
    newEpisode: true,
    changed: true,
  };
}

function resolve(prev: SeriesState, now: number): Step {
  const told = prev.notifiedState === 'firing';
  return {
    state: {
      ...prev,
      status: 'inactive',
      pendingSince: undefined,
      clearSince: undefined,
      lastResolvedAt: now,
      notifiedState: told ? 'resolved' : prev.notifiedState,
      notifySeq: prev.notifySeq + (told ? 1 : 0),
    },
    events: ['resolved'],
    notify: told ? 'resolved' : undefined,
    changed: true,
  };
}

/**
 * One evaluation of one series against one rule. `value` null means no data, handled per
 * `rule.noData`. Pure: the caller persists the state and acts on events and notifications.
 */
export function step(prev: SeriesState, value: number | null, rule: RuleSpec, now: number, newId: () => string): Step {
  const unchanged: Step = { state: prev, events: [], changed: false };
  const active = prev.status === 'firing' || prev.status === 'acknowledged';
  let holds: boolean;
  if (value === null) {
    if (rule.noData === 'keep') return unchanged;
    holds = rule.noData === 'alerting';
  } else {
    holds = breaching(value, rule, active);
  }

  switch (prev.status) {
    case 'inactive':
      if (!holds) return unchanged;
      if (rule.forMs <= 0) return fire(prev, rule, now, newId);
      return { state: { ...prev, status: 'pending', pendingSince: now }, events: ['pending'], changed: true };

    case 'pending':
      if (!holds) return { state: { ...prev, status: 'inactive', pendingSince: undefined }, events: [], changed: true };
      if (now - (prev.pendingSince ?? now) >= rule.forMs) return fire(prev, rule, now, newId);
      return unchanged;

    case 'firing':
    case 'acknowledged': {
      if (!holds) {
        if (rule.keepFiringForMs > 0) {
          const clearSince = prev.clearSince ?? now;
          if (now - clearSince < rule.keepFiringForMs) return prev.clearSince === undefined ? { state: { ...prev, clearSince }, events: [], changed: true } : unchanged;
        }
        return resolve(prev, now);
      }
      const cleared = prev.clearSince !== undefined ? { ...prev, clearSince: undefined } : prev;
      if (prev.status === 'acknowledged') return cleared === prev ? unchanged : { state: cleared, events: [], changed: true };
      const toldResolved = prev.notifiedState !== 'firing';
      const since = prev.lastNotifiedAt ?? prev.firedAt ?? now;
      const repeatDue = rule.cooldownMs > 0 && now - since >= rule.cooldownMs && (toldResolved || rule.maxRepeats === undefined || prev.repeats < rule.maxRepeats);
      if (repeatDue) {
        return {
          state: { ...cleared, notifiedState: 'firing', lastNotifiedAt: now, repeats: toldResolved ? prev.repeats : prev.repeats + 1, notifySeq: prev.notifySeq + 1 },
          events: ['repeat'],
          notify: 'repeat',
          changed: true,
        };
      }
      return cleared === prev ? unchanged : { state: cleared, events: [], changed: true };
    }
  }
}

/** A person acknowledges: no more repeats until they un-acknowledge. */
export function acknowledge(prev: SeriesState): Step | null {
  if (prev.status !== 'firing') return null;
  const told = prev.notifiedState === 'firing';
  return { state: { ...prev, status: 'acknowledged', notifySeq: prev.notifySeq + (told ? 1 : 0) }, events: ['acknowledged'], notify: told ? 'acknowledged' : undefined, changed: true };
}

export function unacknowledge(prev: SeriesState, now: number): Step | null {
  if (prev.status !== 'acknowledged') return null;
  // The cooldown starts again from now, so un-acknowledging does not trigger an instant repeat.
  return { state: { ...prev, status: 'firing', lastNotifiedAt: now }, events: ['unacknowledged'], changed: true };
}

/** A person resolves: if the condition still holds, a new episode starts after `for`, not a reopening. */
export function resolveByHand(prev: SeriesState, now: number): Step | null {
  if (prev.status !== 'firing' && prev.status !== 'acknowledged') return null;
  const result = resolve(prev, now);
  return { ...result, state: { ...result.state, lastResolvedAt: undefined } };
}

/**
 * A silence or maintenance window covers this series: the step happens (and is recorded) but
 * its notification is held. Receivers keep believing what they were last told; the repeat
 * cadence moves on as if it had been sent, so a long silence holds one message per cooldown.
 */
export function hold(prev: SeriesState, result: Step, now: number): Step {
  if (!result.notify) return result;
  return {
    ...result,
    state: { ...result.state, notifiedState: prev.notifiedState, lastNotifiedAt: now, repeats: prev.repeats, held: result.notify },
    events: [...result.events, 'held'],
    notify: undefined,
  };
}

/**
 * The silence is over: if receivers now believe something false (firing unannounced, or a
 * resolution they never heard of), one message puts it right; otherwise the hold just ends.
 */
export function release(prev: SeriesState, now: number): Step | null {
  if (!prev.held) return null;
  const base: SeriesState = { ...prev, held: undefined };
  if (prev.episodeId && prev.status === 'firing' && prev.notifiedState !== 'firing') {
    return {
      state: { ...base, notifiedState: 'firing', lastNotifiedAt: now, notifySeq: prev.notifySeq + 1 },
      events: ['released'],
      notify: prev.notifiedState === 'none' ? 'new' : 'repeat',
      changed: true,
    };
  }
  if (prev.episodeId && prev.status === 'inactive' && prev.notifiedState === 'firing') {
    return { state: { ...base, notifiedState: 'resolved', notifySeq: prev.notifySeq + 1 }, events: ['released'], notify: 'resolved', changed: true };
  }
  return { state: base, events: [], changed: true };
}
