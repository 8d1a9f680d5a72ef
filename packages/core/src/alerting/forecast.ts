import type { Point } from './reduce.ts';

/** A least-squares line through points: value = intercept + slope · (t − origin), slope per ms. */
export interface LinearFit {
  origin: number;
  intercept: number;
  slope: number;
  points: number;
  /** Time between the first and the last point, ms. */
  spanMs: number;
}

/**
 * Ordinary least squares over the points, with time measured from the last point: epoch
 * milliseconds squared would lose every digit that matters in a double.
 */
export function linearFit(points: readonly Point[]): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  const origin = points[n - 1]!.t;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += (p.t - origin) / 3_600_000;
    sy += p.v;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    const dx = (p.t - origin) / 3_600_000 - mx;
    sxx += dx * dx;
    sxy += dx * (p.v - my);
  }
  if (sxx === 0) return null;
  const perHour = sxy / sxx;
  return { origin, intercept: my - perHour * mx, slope: perHour / 3_600_000, points: n, spanMs: origin - points[0]!.t };
}

/** The fitted line's value at `t` (what PromQL's predict_linear gives for t = now + horizon). */
export function valueAt(fit: LinearFit, t: number): number {
  return fit.intercept + fit.slope * (t - fit.origin);
}

/**
 * When the line reaches `target`, coming from `now`'s side: null when it moves away or stays
 * level. A line already past the target reached it at `now`.
 */
export function reachesAt(fit: LinearFit, target: number, now: number): number | null {
  const current = valueAt(fit, now);
  if (current === target) return now;
  const gap = target - current;
  if (fit.slope === 0 || Math.sign(gap) !== Math.sign(fit.slope)) return null;
  return now + gap / fit.slope;
}
