import type { Aggregate, Reducer } from './reduce.ts';
import type { Operator } from './compare.ts';

import type { Severity } from '../severity.ts';

/** A rule as the engine uses it: durations in ms, defaults applied. */
export interface RuleSpec {
  name: string;
  metric: string;
  operator: Operator;
  threshold: number;
  forMs: number;
  severity: Severity;
  labels?: Record<string, string>;
  aggregate?: Aggregate;
  /**
   * N of M locations: the series alike but for the `by` label (probes from each worker `host`) are
   * one alert, which holds while at least `minFailing` of them meet the condition.
   */
  locations?: { minFailing: number; by: string };
  reduce: Reducer;
  /** Span of samples the reducer sees; for `last`, how old the newest sample may be before it counts as no data. */
  windowMs: number;
  clearThreshold?: number;
  keepFiringForMs: number;
  /** Repeat interval while firing and unacknowledged; also the flap window (see alert-machine.ts). 0 = never repeat. */
  cooldownMs: number;
  maxRepeats?: number;
  channels?: string[];
  noData: 'ok' | 'alerting' | 'keep';
  annotations: { summary?: string; description?: string; runbook_url?: string };
  /** Set on the rules made for an SLO: their value comes from its burn rates, not from samples. */
  slo?: string;
  /** A forecast rule: its value is the metric's linear trend extrapolated (history-rules.ts). */
  predict?: PredictSpec;
  /** A baseline rule: its value is how far the metric is from its usual at this time of week (history-rules.ts). */
  baseline?: BaselineSpec;
}

export interface PredictSpec {
  /** The span of history the line is fitted to. */
  overMs: number;
  /** How far ahead the line is followed: the rule holds when it reaches the target within this. */
  withinMs: number;
  /** A fixed value, or another metric whose current value is the target (db_connections_max). */
  target: { value: number } | { metric: string };
}

export interface BaselineSpec {
  /** How many past weeks, each at this same time of week, make the band. */
  weeks: number;
  /** Span averaged for the value now and for each past week. */
  windowMs: number;
  /** How many spreads outside the median holds. */
  factor: number;
  direction: 'below' | 'above' | 'both';
  /** Floor on the spread as a share of the median (0.05 = 5 %). */
  minSpreadRatio: number;
}
