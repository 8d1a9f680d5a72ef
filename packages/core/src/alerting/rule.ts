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
}
