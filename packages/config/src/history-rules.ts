import { z } from 'zod';
import { parseDuration } from '@vigia/core';

/**
 * The `predict:` and `baseline:` blocks of a rule in alerts.rules: forecast and baseline rules,
 * whose value is worked out from stored history (see @vigia/core history-rules.ts). They replace
 * the rule's `threshold`; a forecast keeps `operator` (>= when it rises to its value, <= when it
 * falls to it).
 */

const durationOf = (example: string) =>
  z.union([z.string(), z.number()], { error: `is required (write it like ${example})` }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (write it like ${example})` });
      return z.NEVER;
    }
    return ms;
  });

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export const predictSchema = z.strictObject({
  /** History the line is fitted to. */
  over: durationOf('6h').default(6 * 3_600_000),
  /** How far ahead: the rule holds when the line reaches `value` within this. */
  within: durationOf('24h'),
  /** A number, or a metric name whose current value is the target (db_connections_max). */
  value: z.union([z.number(), z.string().regex(METRIC)], {
    error: (i) => (i.input === undefined ? 'is required: the value the metric must not reach, a number (100) or a metric name (db_connections_max)' : `must be a number or a metric name, got ${JSON.stringify(i.input)}`),
  }),
});

export const baselineSchema = z.strictObject({
  /** Past weeks compared, each at this same time of week. */
  weeks: z.number().int().min(2, 'must be 2 or more (a band needs several weeks)').max(52).default(4),
  /** The span averaged, now and in each past week. */
  window: durationOf('15m').default(15 * 60_000),
  /** How many spreads (1.4826 × MAD, about a standard deviation) outside the median holds. */
  factor: z.number().positive('must be more than 0').default(3),
  /** Until the value is back within this many spreads, the alert holds (hysteresis). */
  clear_factor: z.number().nonnegative().optional(),
  direction: z.enum(['below', 'above', 'both'], { error: (i) => `unknown direction ${JSON.stringify(i.input)} (use below, above or both)` }).default('both'),
  /** The smallest spread, in percent of the median: weeks that agree closely make no hair trigger. */
  min_spread: z.number().min(0).max(100).default(5),
});

export type PredictConfig = z.output<typeof predictSchema>;
export type BaselineConfig = z.output<typeof baselineSchema>;

interface RuleShape {
  operator?: string;
  threshold?: number;
  reduce?: string;
  window?: number;
  aggregate?: string;
  clear_threshold?: number;
  predict?: PredictConfig;
  baseline?: BaselineConfig;
}

/** What a rule must and must not say, by kind: plain rules need operator and threshold, the others their block. */
export function checkRuleKind(rule: RuleShape, ctx: z.core.$RefinementCtx): void {
  const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (rule.predict && rule.baseline) issue(['baseline'], 'a rule is either a forecast (predict) or a baseline, not both');
  if (!rule.predict && !rule.baseline) {
    if (rule.operator === undefined) issue(['operator'], 'is required (one of > >= < <= == !=)');
    if (rule.threshold === undefined) issue(['threshold'], 'is required (a number)');
    return;
  }
  const kind = rule.predict ? 'predict' : 'baseline';
  if (rule.threshold !== undefined) issue(['threshold'], `does not go with ${kind}: ${rule.predict ? 'predict.value is what it compares with' : 'the band comes from past weeks'}`);
  if (rule.aggregate !== undefined) issue(['aggregate'], `does not go with ${kind} (it reads each series on its own)`);
  if (rule.reduce !== undefined && rule.reduce !== 'last') issue(['reduce'], `does not go with ${kind}: it reads per-minute means from history`);
  if (rule.window !== undefined) issue(['window'], `does not go with ${kind}: use ${rule.predict ? 'predict.over' : 'baseline.window'}`);
  if (rule.baseline) {
    if (rule.operator !== undefined) issue(['operator'], 'does not go with baseline: use baseline.direction (below, above or both)');
    if (rule.clear_threshold !== undefined) issue(['clear_threshold'], 'does not go with baseline: use baseline.clear_factor');
    return;
  }
  if (rule.operator !== undefined && !['>', '>=', '<', '<='].includes(rule.operator)) issue(['operator'], `${rule.operator} does not go with predict (use >= for rising to the value, <= for falling to it)`);
  if (rule.clear_threshold !== undefined && typeof rule.predict!.value === 'string') issue(['clear_threshold'], 'needs a fixed predict.value (a number)');
}
