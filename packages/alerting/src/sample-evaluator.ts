import type { Redis } from 'ioredis';
import { INACTIVE, isHistoryRule, labelsMatch, step, type RuleSpec, type SeriesState, type Logger } from '@vigia/core';
import type { LiveSample, RedisKeys, SampleBatch } from '@vigia/live';
import type { AlertEvent, AlertStore, StoredState } from './alert-store.ts';
import type { Evaluator, Observation } from './evaluator.ts';
import { COLLECTOR_UP_METRIC } from './rules.ts';

/**
 * Rules that one newest sample decides. The rest wait for the tick: a window or an aggregate needs
 * more than the sample that arrived (as does counting failing locations), and the collector series
 * are made up at tick time; SLOs, forecasts and baselines read history, which is no work for every
 * sample (their observers, once a minute).
 */
export function evaluatesOnArrival(rule: RuleSpec): boolean {
  return rule.reduce === 'last' && !rule.aggregate && !rule.locations && rule.metric !== COLLECTOR_UP_METRIC && !rule.slo && !isHistoryRule(rule);
}

/** When the state changes by itself if nothing else happens: `for` runs out, or `keep_firing_for` does. */
export function deadlineOf(state: SeriesState, rule: RuleSpec): number | undefined {
  if (state.status === 'pending' && rule.forMs > 0 && state.pendingSince !== undefined) return state.pendingSince + rule.forMs;
  if ((state.status === 'firing' || state.status === 'acknowledged') && state.clearSince !== undefined && rule.keepFiringForMs > 0) return state.clearSince + rule.keepFiringForMs;
  return undefined;
}

// setTimeout's longest delay; a later deadline is simply looked at again then.
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 10_000;

const idOf = (rule: string, seriesKey: string) => `${rule}\u0000${seriesKey}`;

export interface SampleEvaluatorOptions {
  /** How often the states are read again from PostgreSQL, to see what ticks on other workers and people changed. */
  reloadEveryMs: number;
  /** After each committed transaction that may hold notifications (the outbox relay is nudged). */
  onCommitted?: () => void;
  /** What each evaluation changed (escalation steps follow new alerts). */
  onEvents?: (events: AlertEvent[]) => Promise<void>;
}

/**
 * Evaluates a rule on a series as soon as a sample of it arrives, and again the moment its `for`
 * (or `keep_firing_for`) runs out, with a timer, instead of waiting for the next evaluation
 * tick. Meant to run in one process at a time (the holder of the alerting lease); the tick still
 * runs on every interval for what only it sees: series gone silent, windows and aggregates.
 *
 * It keeps the engine states in memory, so a sample that changes nothing costs a comparison and
 * no database round trip. A state another process changed since it was read is caught by the
 * version check when it is written; that series is read again and evaluated once more.
 */
export class SampleEvaluator {
  private readonly byMetric = new Map<string, RuleSpec[]>();
  private readonly rulesByName: Map<string, RuleSpec>;
  private readonly needles: string[];
  private states = new Map<string, StoredState>();
  private loaded = false;
  /** Newest arrived sample per (rule, series), not evaluated yet. */
  private readonly arrived = new Map<string, { rule: RuleSpec; sample: LiveSample }>();
  /** (rule, series) whose deadline has come. */
  private readonly due = new Map<string, { rule: RuleSpec; stored: StoredState }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private reloadTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private active = false;
  private failures = 0;

  constructor(
    rules: RuleSpec[],
    private readonly evaluator: Evaluator,
    private readonly store: AlertStore,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
    private readonly options: SampleEvaluatorOptions,
  ) {
    this.rulesByName = new Map(rules.map((r) => [r.name, r]));
    for (const rule of rules) {
      if (!evaluatesOnArrival(rule)) continue;
      const list = this.byMetric.get(rule.metric);
      if (list) list.push(rule);
      else this.byMetric.set(rule.metric, [rule]);
    }
    this.needles = [...this.byMetric.keys()].map((metric) => `"name":${JSON.stringify(metric)}`);
  }

  /** Starts evaluating; the states are read in the background (a database that is away is retried). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.loaded = false;
    this.kick();
    this.reloadTimer = setInterval(() => {
      this.loaded = false;
      this.kick();
    }, this.options.reloadEveryMs);
  }

  async stop(): Promise<void> {
    this.active = false;
    clearInterval(this.reloadTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.running;
    // The last round may have set timers after the ones above were cleared.
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.arrived.clear();
    this.due.clear();
    this.states = new Map();
  }

  /** Someone else just wrote states (a tick in this process): read them again before the next evaluation. */
  reloadSoon(): void {
    if (!this.active) return;
    this.loaded = false;
    this.kick();
  }

  /**
   * Whether a live stream entry, still as JSON, may hold a sample some rule here evaluates on
   * arrival: a sample is written as `"name":"<metric>"`, so an entry without any of those strings
   * has nothing for this evaluator and need not be parsed. (A label value holding that text comes
   * escaped, `\"name\":`, so never passes for a name; a false yes would only cost a parse.) The
   * entry as the stream holds it, UTF-8 bytes, or as text: a needle is found in either alike.
   */
  wants(payload: string | Buffer): boolean {
    for (const needle of this.needles) if (payload.includes(needle)) return true;
    return false;
  }

  /** A batch of samples as written to Redis (the live stream). */
  offer(batch: SampleBatch): void {
    if (!this.active) return;
    let any = false;
    for (const sample of batch.samples) {
      const rules = this.byMetric.get(sample.name);
      if (!rules) continue;
      for (const rule of rules) {
        if (!labelsMatch(sample.labels, rule.labels)) continue;
        this.arrived.set(idOf(rule.name, sample.key), { rule, sample });
        any = true;
      }
    }
    if (any) this.kick();
  }

  private kick(): void {
    if (this.running || !this.active) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      // Work that arrived while the last round was finishing.
      if (this.arrived.size || this.due.size || !this.loaded) this.kick();
    });
  }

  /** One round at a time; what arrives during a round is taken by the next, newest sample per series. */
  private async drain(): Promise<void> {
    while (this.active && (!this.loaded || this.arrived.size || this.due.size)) {
      try {
        if (!this.loaded) await this.reload();
        const now = Date.now();
        const observations = await this.observations(now);
        if (observations.length) await this.run(observations, now, true);
        this.failures = 0;
      } catch (error) {
        // The tick still evaluates these series; states are read again before the next round.
        this.loaded = false;
        this.arrived.clear();
        this.due.clear();
        const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** this.failures++, LONGEST_RETRY_MS);
        this.logger.warn('evaluation on arrival failed; retrying', { error: (error as Error).message, retryInMs });
        await new Promise((r) => setTimeout(r, retryInMs));
      }
    }
  }

  private async reload(): Promise<void> {
    this.states = await this.store.loadStates();
    this.loaded = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    // Countdowns started by a tick, by another worker or before a restart get their timer here.
    for (const id of this.states.keys()) this.arm(id);
  }

  private async observations(now: number): Promise<Observation[]> {
    const out: Observation[] = [];
    const fresh = new Set<string>();
    for (const [id, { rule, sample }] of this.arrived) {
      // A sample older than the rule looks at (pushed history) says nothing about now; silence is the tick's.
      if (now - sample.timestamp > rule.windowMs) continue;
      out.push({ rule, seriesKey: sample.key, labels: sample.labels, value: sample.value, unit: sample.unit });
      fresh.add(id);
    }
    const due = [...this.due].filter(([id]) => !fresh.has(id));
    this.arrived.clear();
    this.due.clear();
    if (!due.length) return out;
    // A deadline between samples: the series' newest value, as the tick would read it.
    const latest = await this.redis.hmget(this.keys.latest, ...due.map(([, d]) => d.stored.seriesKey));
    due.forEach(([, { rule, stored }], i) => {
      const sample = latest[i] ? (JSON.parse(latest[i]!) as LiveSample) : undefined;
      const value = sample && now - sample.timestamp <= rule.windowMs ? sample.value : null;
      out.push({ rule, seriesKey: stored.seriesKey, labels: stored.labels, value, unit: sample?.unit });
    });
    return out;
  }

  private async run(observations: Observation[], now: number, retry: boolean): Promise<void> {
    // Only series whose state would move reach the database: most samples change nothing.
    const moving = observations.filter((o) => {
      const prev = this.states.get(idOf(o.rule.name, o.seriesKey))?.state ?? INACTIVE;
      return prev.held !== undefined || step(prev, o.value, o.rule, now, () => '').changed;
    });
    if (!moving.length) return;
    const { events, applied, conflicts } = await this.evaluator.evaluate(moving, this.states, now, this.options.onCommitted);
    for (const c of applied) this.arm(idOf(c.rule.name, c.seriesKey));
    if (events.length) await this.options.onEvents?.(events);
    if (!conflicts.length) return;
    // Changed meanwhile by a tick, another worker or a person: read again, evaluate once more.
    const lost = new Set<string>();
    for (const c of conflicts) {
      const id = idOf(c.rule.name, c.seriesKey);
      lost.add(id);
      const fresh = await this.store.loadState(c.rule.name, c.seriesKey);
      if (fresh) this.states.set(id, fresh);
      else this.states.delete(id);
      this.arm(id);
    }
    if (retry)
      await this.run(
        moving.filter((o) => lost.has(idOf(o.rule.name, o.seriesKey))),
        now,
        false,
      );
  }

  /** Sets (or clears) the timer of one (rule, series) from its state as now known. */
  private arm(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const stored = this.states.get(id);
    const rule = stored && this.rulesByName.get(stored.rule);
    if (!stored || !rule || !evaluatesOnArrival(rule)) return;
    const deadline = deadlineOf(stored.state, rule);
    if (deadline === undefined) return;
    const wait = () => {
      const left = deadline - Date.now();
      // Timers run on a monotonic clock and states on the wall clock: never evaluate a deadline early.
      if (left > 0) return void this.timers.set(id, setTimeout(wait, Math.min(left, LONGEST_TIMER_MS)));
      this.timers.delete(id);
      this.due.set(id, { rule, stored });
      this.kick();
    };
    wait();
  }
}
