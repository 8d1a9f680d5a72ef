import { formatDuration } from '../duration.ts';
import { INACTIVE, step, type SeriesState } from './alert-machine.ts';
import { robustBand, deviation, type Band } from './baseline.ts';
import { linearFit, reachesAt, valueAt } from './forecast.ts';
import type { Point } from './reduce.ts';
import type { BaselineSpec, PredictSpec, RuleSpec } from './rule.ts';
import type { BacktestEpisode, BacktestResult } from './backtest.ts';

/**
 * Forecast (`predict`) and `baseline` rules: their value comes from history, as per-minute means
 * (the 1-minute rollups, point t = the minute's start). Only whole minutes before `now` count,
 * so a minute still filling never moves a result, and the value changes at most once a minute:
 * the live engine and the backtest both compute it once per minute.
 */

export const MINUTE_MS = 60_000;
export const WEEK_MS = 7 * 86_400_000;
/** A line fitted to less than this share of `over` is not trusted yet (right after a metric appears). */
const MIN_FIT_SHARE = 0.25;
/** A forecast's target metric counts while its newest minute is at most this old. */
export const TARGET_MAX_AGE_MS = 10 * 60_000;
/** Past weeks with data a band needs: one week is no "usual". */
const MIN_WEEKS = 2;

export type HistoryRule = RuleSpec & ({ predict: PredictSpec } | { baseline: BaselineSpec });

export function isHistoryRule(rule: RuleSpec): rule is HistoryRule {
  return rule.predict !== undefined || rule.baseline !== undefined;
}

/** The last whole minute's end at `now`. */
export const minuteEnd = (now: number) => Math.floor(now / MINUTE_MS) * MINUTE_MS;

/** The minute ranges [from, to) a rule reads at `now`: one for a forecast, the current one and one per past week for a baseline. */
export function historyRanges(rule: HistoryRule, now: number): { from: number; to: number }[] {
  const end = minuteEnd(now);
  if (rule.predict) return [{ from: end - rule.predict.overMs, to: end }];
  const { weeks, windowMs } = rule.baseline!;
  return Array.from({ length: weeks + 1 }, (_, k) => ({ from: end - k * WEEK_MS - windowMs, to: end - k * WEEK_MS }));
}

/** Index of the first point at or after t (points oldest first). */
function lowerBound(points: readonly Point[], t: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function between(points: readonly Point[], from: number, to: number): Point[] {
  return points.slice(lowerBound(points, from), lowerBound(points, to));
}

function mean(points: readonly Point[]): number | null {
  if (!points.length) return null;
  let sum = 0;
  for (const p of points) sum += p.v;
  return sum / points.length;
}

/** Three significant digits (whole numbers from 100 up), plus `extra` digits when asked. */
const fmt = (n: number, extra = 0) => String(Math.abs(n) >= 100 ? Number(n.toFixed(extra)) : Number(n.toPrecision(3 + extra)));

/** Extra digits that keep a value and the bound it crossed from printing alike ("121, below 121"). */
function digitsApart(a: number, b: number): number {
  let extra = 0;
  while (extra < 6 && a !== b && fmt(a, extra) === fmt(b, extra)) extra++;
  return extra;
}
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export interface HistoryValue {
  /** What the state machine compares: the forecast at now + within, or the deviation in spreads. */
  value: number | null;
  /** A forecast whose target is another metric compares against that metric's value now. */
  threshold?: number;
  summary?: string;
  /** Forecast: when the line reaches the target (null: it does not). */
  reachesAt?: number | null;
  /** Baseline: the band and the value now. */
  band?: Band;
  actual?: number;
}

/**
 * A forecast: the line fitted to the minutes of `over`, followed `within` ahead. Like
 * predict_linear(metric[over], within) compared with the target. `target` is the target
 * metric's newest value for a metric target (null: it has none, so no data).
 */
export function predictValue(rule: RuleSpec & { predict: PredictSpec }, minutes: readonly Point[], target: number | null, now: number, subject: string): HistoryValue {
  const { overMs, withinMs } = rule.predict;
  const end = minuteEnd(now);
  // Each minute's mean stands for the minute's middle.
  const points = between(minutes, end - overMs, end).map((p) => ({ t: p.t + MINUTE_MS / 2, v: p.v }));
  const fit = linearFit(points);
  const goal = 'value' in rule.predict.target ? rule.predict.target.value : target;
  if (!fit || fit.spanMs < overMs * MIN_FIT_SHARE || goal === null) return { value: null };
  const value = valueAt(fit, now + withinMs);
  const at = reachesAt(fit, goal, now);
  const perHour = fit.slope * 3_600_000;
  const trend = `${perHour >= 0 ? '+' : ''}${fmt(perHour)}/h over the last ${formatDuration(overMs)}, now ${fmt(valueAt(fit, now))}`;
  const goalText = 'metric' in rule.predict.target ? `${rule.predict.target.metric} (${fmt(goal)})` : fmt(goal);
  const summary =
    at === null
      ? `${subject} is not heading for ${goalText} (${trend})`
      : at <= now
        ? `${subject} has reached ${goalText} (${trend})`
        : `${subject} is predicted to reach ${goalText} at ${iso(at)}, in ${formatDuration(Math.max(MINUTE_MS, Math.round((at - now) / MINUTE_MS) * MINUTE_MS))} (${trend})`;
  return { value, threshold: 'metric' in rule.predict.target ? goal : undefined, summary, reachesAt: at };
}

/**
 * A baseline: the mean over the last `window` against the same span at this time of week in each
 * of the past weeks (median and MAD of their means). Weeks without data are left out; fewer
 * than two is no data.
 */
export function baselineValue(rule: RuleSpec & { baseline: BaselineSpec }, minutes: readonly Point[], now: number, subject: string): HistoryValue {
  const { weeks, windowMs, factor, direction, minSpreadRatio } = rule.baseline;
  const end = minuteEnd(now);
  const actual = mean(between(minutes, end - windowMs, end));
  const past: number[] = [];
  for (let k = 1; k <= weeks; k++) {
    const m = mean(between(minutes, end - k * WEEK_MS - windowMs, end - k * WEEK_MS));
    if (m !== null) past.push(m);
  }
  if (actual === null || past.length < MIN_WEEKS) return { value: null };
  const band = robustBand(past, factor, minSpreadRatio)!;
  const z = deviation(actual, band);
  // The words always say which way: with direction both the value compared is unsigned, and
  // an alert held by clear_factor can still be open once the value is back inside the band.
  const way = actual < band.median ? 'below' : 'above';
  const outside = actual < band.lower || actual > band.upper;
  const side = outside ? way : `${way} the median but within`;
  const extra = outside ? digitsApart(actual, actual < band.lower ? band.lower : band.upper) : 0;
  const summary = `${subject} is ${fmt(actual, extra)} over the last ${formatDuration(windowMs)}, ${side} the usual ${fmt(band.lower, extra)}–${fmt(band.upper, extra)} for this time of week (median ${fmt(band.median, extra)} of ${past.length} past weeks)`;
  return { value: direction === 'both' ? Math.abs(z) : z, summary, band, actual };
}

/** The engine's operator and threshold of a baseline rule, from its direction and factor. */
export function baselineCondition(spec: BaselineSpec, clearFactor?: number): Pick<RuleSpec, 'operator' | 'threshold' | 'clearThreshold'> {
  const sign = spec.direction === 'below' ? -1 : 1;
  return { operator: spec.direction === 'below' ? '<' : '>', threshold: sign * spec.factor, clearThreshold: clearFactor === undefined ? undefined : sign * clearFactor };
}

export function historyValue(rule: HistoryRule, minutes: readonly Point[], target: number | null, now: number, subject: string): HistoryValue {
  return rule.predict ? predictValue(rule as RuleSpec & { predict: PredictSpec }, minutes, target, now, subject) : baselineValue(rule as RuleSpec & { baseline: BaselineSpec }, minutes, now, subject);
}

/** The newest minute mean of a target metric at `now` within `maxAgeMs`, or null. */
export function latestBefore(points: readonly Point[], now: number, maxAgeMs: number): number | null {
  const end = minuteEnd(now);
  const i = lowerBound(points, end) - 1;
  return i >= 0 && points[i]!.t >= end - maxAgeMs ? points[i]!.v : null;
}

/** The rule a value is compared with: a forecast of another metric compares with that metric's value. */
export function ruleFor(rule: RuleSpec, v: HistoryValue): RuleSpec {
  return v.threshold === undefined || v.threshold === rule.threshold ? rule : { ...rule, threshold: v.threshold };
}

export interface HistoryBacktestSeries {
  labels: Record<string, string>;
  /** Minute means, oldest first, from before `from` by the rule's reach (`over`, or weeks + window). */
  minutes: Point[];
  /** A forecast with a metric target: that metric's minute means. */
  target?: Point[];
}

/**
 * Replays a forecast or baseline rule with the engine's state machine, one evaluation per
 * `stepMs`, the value worked out once per minute as the engine does.
 */
export function backtestHistoryRule(rule: HistoryRule, series: HistoryBacktestSeries[], range: { from: number; to: number; stepMs: number }): BacktestResult {
  const episodes: BacktestEpisode[] = [];
  let notifications = 0;
  let steps = 0;
  let ids = 0;
  const worse = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : rule.operator.startsWith('<') ? Math.min(a, b) : Math.max(a, b));
  for (const s of series) {
    let state: SeriesState = INACTIVE;
    let open: BacktestEpisode | null = null;
    let pendingPeak: number | null = null;
    let minute = -1;
    let current: HistoryValue = { value: null };
    let compared = rule as RuleSpec;
    for (let now = range.from; now <= range.to; now += range.stepMs) {
      steps++;
      if (minuteEnd(now) !== minute) {
        minute = minuteEnd(now);
        const target = s.target ? latestBefore(s.target, now, TARGET_MAX_AGE_MS) : null;
        current = historyValue(rule, s.minutes, target, now, '');
        compared = ruleFor(rule, current);
      }
      const value = current.value;
      const prev = state;
      const result = step(prev, value, compared, now, () => `backtest-${++ids}`);
      state = result.state;
      if (result.notify) notifications++;
      pendingPeak = state.status === 'pending' ? worse(prev.status === 'pending' ? pendingPeak : null, value) : pendingPeak;
      if (result.newEpisode) {
        open = { labels: s.labels, start: prev.pendingSince ?? now, firedAt: now, end: null, peak: worse(prev.status === 'pending' ? pendingPeak : null, value) };
        episodes.push(open);
      } else if (result.events.includes('reopened')) {
        open = episodes.findLast((e) => e.labels === s.labels) ?? null;
        if (open) open.end = null;
      }
      if (open && (state.status === 'firing' || state.status === 'acknowledged')) open.peak = worse(open.peak, value);
      if (open && result.events.includes('resolved')) {
        open.end = now;
        open = null;
      }
    }
  }
  return { episodes, notifications, steps };
}

/** How far back a rule reads before `from`: a forecast's `over`, a baseline's weeks and window. */
export function historyReach(rule: HistoryRule): number {
  return rule.predict ? rule.predict.overMs : rule.baseline!.weeks * WEEK_MS + rule.baseline!.windowMs;
}
