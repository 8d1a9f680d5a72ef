import { INACTIVE, step, type SeriesState } from './alert-machine.ts';
import { seriesKey } from '../series-key.ts';
import { compare } from './compare.ts';
import { locationCountRule } from './locations.ts';
import { aggregate, reduce, type Point } from './reduce.ts';
import type { RuleSpec } from './rule.ts';

export interface BacktestSeries {
  labels: Record<string, string>;
  /** Oldest first. */
  points: Point[];
}

export interface BacktestEpisode {
  labels: Record<string, string>;
  /** When the condition started to hold (the episode's start, as the engine records it). */
  start: number;
  firedAt: number;
  /** null while still firing at the end of the range. */
  end: number | null;
  /** The worst value seen while firing (highest for > and >=, lowest for < and <=); for an N-of-M rule, the most locations failing at once. */
  peak: number | null;
}

export interface BacktestResult {
  episodes: BacktestEpisode[];
  /** Messages the rule would have sent (new, repeat, resolved), per channel multiply by the channels. */
  notifications: number;
  steps: number;
}

const ORDERED = new Set(['p95', 'p99', 'min', 'max']);

/** Insert into / remove from an ascending array by binary search (windows hold tens of values). */
function lowerBound(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The value a rule sees at `now` for one series, kept incremental with two cursors; for order
 * statistics (percentiles, min, max) the window is also kept sorted as it slides, so each
 * evaluation costs a lookup instead of a sort.
 */
class WindowCursor {
  private lo = 0;
  private hi = 0;
  private cached: number | null = null;
  private cachedLo = -1;
  private cachedHi = -1;
  private readonly sorted: number[] | null;

  constructor(
    private readonly points: Point[],
    private readonly rule: RuleSpec,
  ) {
    this.sorted = ORDERED.has(rule.reduce) ? [] : null;
  }

  valueAt(now: number): number | null {
    const { points, rule, sorted } = this;
    while (this.hi < points.length && points[this.hi]!.t <= now) {
      if (sorted) sorted.splice(lowerBound(sorted, points[this.hi]!.v), 0, points[this.hi]!.v);
      this.hi++;
    }
    while (this.lo < this.hi && points[this.lo]!.t < now - rule.windowMs) {
      if (sorted) sorted.splice(lowerBound(sorted, points[this.lo]!.v), 1);
      this.lo++;
    }
    if (this.lo === this.cachedLo && this.hi === this.cachedHi) return this.cached;
    this.cachedLo = this.lo;
    this.cachedHi = this.hi;
    if (this.lo === this.hi) this.cached = reduce([], rule.reduce === 'count' ? 'count' : 'last');
    else if (sorted) this.cached = orderStatistic(sorted, rule.reduce);
    else this.cached = rule.reduce === 'last' ? points[this.hi - 1]!.v : reduce(points.slice(this.lo, this.hi), rule.reduce);
    return this.cached;
  }
}

/** The same nearest-rank percentile as reduce(), on an already sorted window. */
function orderStatistic(sorted: number[], reducer: string): number {
  if (reducer === 'min') return sorted[0]!;
  if (reducer === 'max') return sorted[sorted.length - 1]!;
  const p = reducer === 'p95' ? 95 : 99;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const worse = (rule: RuleSpec, a: number | null, b: number | null) => {
  if (a === null) return b;
  if (b === null) return a;
  return rule.operator === '<' || rule.operator === '<=' ? Math.min(a, b) : Math.max(a, b);
};

/** Series alike but for the location label, one track per group (as groupLocations groups them live). */
function locationTracks(rule: RuleSpec, by: string, series: BacktestSeries[]): { labels: Record<string, string>; cursors: WindowCursor[] }[] {
  const groups = new Map<string, { labels: Record<string, string>; cursors: WindowCursor[] }>();
  for (const s of series) {
    const { [by]: _location, ...rest } = s.labels;
    const key = seriesKey(rule.metric, rest);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels: rest, cursors: [] }));
    group.cursors.push(new WindowCursor(s.points, rule));
  }
  return [...groups.values()];
}

/** Locations meeting the rule's condition; null when none reports (no data, as live). */
function failingCount(rule: RuleSpec, values: (number | null)[]): number | null {
  const reporting = values.filter((v): v is number => v !== null);
  return reporting.length ? reporting.filter((v) => compare(v, rule.operator, rule.threshold)).length : null;
}

/**
 * Replays a rule over stored history with the engine's own state machine, one evaluation every
 * `stepMs`, and returns the episodes it would have produced and the messages it would have sent.
 * Silences and acknowledgements are not replayed: this is how noisy the rule itself is.
 */
export function backtest(rule: RuleSpec, series: BacktestSeries[], range: { from: number; to: number; stepMs: number }): BacktestResult {
  const tracks = rule.aggregate
    ? [{ labels: rule.labels ?? {}, cursors: series.map((s) => new WindowCursor(s.points, rule)) }]
    : rule.locations
      ? locationTracks(rule, rule.locations.by, series)
      : series.map((s) => ({ labels: s.labels, cursors: [new WindowCursor(s.points, rule)] }));
  // N of M: a group of locations steps as the live engine steps it, its value the number of
  // locations failing together, so one location's trouble alone opens no episode.
  const stepping = rule.locations ? locationCountRule({ ...rule, locations: rule.locations }) : rule;
  const episodes: BacktestEpisode[] = [];
  let notifications = 0;
  let steps = 0;
  let ids = 0;
  for (const track of tracks) {
    let state: SeriesState = INACTIVE;
    let open: BacktestEpisode | null = null;
    // The worst value since the condition started to hold, so the peak covers the pending part too.
    let pendingPeak: number | null = null;
    for (let now = range.from; now <= range.to; now += range.stepMs) {
      steps++;
      const values = track.cursors.map((c) => c.valueAt(now));
      const value = rule.aggregate
        ? aggregate(
            values.filter((v): v is number => v !== null),
            rule.aggregate,
          )
        : rule.locations
          ? failingCount(rule, values)
          : values[0]!;
      const prev = state;
      const result = step(prev, value, stepping, now, () => `backtest-${++ids}`);
      state = result.state;
      if (result.notify) notifications++;
      pendingPeak = state.status === 'pending' ? worse(stepping, prev.status === 'pending' ? pendingPeak : null, value) : pendingPeak;
      if (result.newEpisode) {
        open = { labels: track.labels, start: prev.pendingSince ?? now, firedAt: now, end: null, peak: worse(stepping, prev.status === 'pending' ? pendingPeak : null, value) };
        episodes.push(open);
      } else if (result.events.includes('reopened')) {
        open = episodes.findLast((e) => e.labels === track.labels) ?? null;
        if (open) open.end = null;
      }
      if (open && (state.status === 'firing' || state.status === 'acknowledged')) open.peak = worse(stepping, open.peak, value);
      if (open && result.events.includes('resolved')) {
        open.end = now;
        open = null;
      }
    }
  }
  return { episodes, notifications, steps };
}
