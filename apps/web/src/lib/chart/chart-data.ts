import uPlot from 'uplot';
import type { Point } from '../history/metric-history.svelte.ts';

/**
 * A collector that stops for ten minutes must show as a hole, not as a straight line drawn across
 * the silence: a gap is a pause longer than three usual steps, marked with a null (which uPlot
 * leaves undrawn), while values missing only because another line was sampled at that instant
 * stay undefined and are spanned.
 */
function withGaps(points: Point[]): [number[], (number | null)[]] {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  const step = typicalStep(points);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (i > 0 && step > 0 && p.t - points[i - 1]!.t > step * 3) {
      xs.push((points[i - 1]!.t + step) / 1000);
      ys.push(null);
    }
    xs.push(p.t / 1000);
    ys.push(p.v);
  }
  return [xs, ys];
}

/** Median spacing of the newest points: robust to the one long pause we are looking for. */
function typicalStep(points: Point[]): number {
  const n = Math.min(points.length - 1, 32);
  if (n < 2) return 0;
  const diffs: number[] = [];
  for (let i = points.length - n; i < points.length; i++) diffs.push(points[i]!.t - points[i - 1]!.t);
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)]!;
}

/** uPlot wants one x array shared by every line (seconds), each line's y values aligned to it. */
export function alignLines(lines: readonly { points: Point[] }[]): uPlot.AlignedData {
  if (lines.length === 0) return [[]];
  const tables = lines.map((l) => withGaps(l.points) as unknown as uPlot.AlignedData);
  return tables.length === 1 ? tables[0]! : uPlot.join(tables);
}

/** The defined value of series `si` nearest to the left of `idx` (aligned data has holes). */
export function valueNear(data: uPlot.AlignedData, si: number, idx: number, maxLook = 64): number | null {
  const ys = data[si] as (number | null | undefined)[] | undefined;
  if (!ys) return null;
  for (let i = idx; i >= 0 && i > idx - maxLook; i--) {
    const v = ys[i];
    if (v === null) return null;
    if (v !== undefined) return v;
  }
  return null;
}

/**
 * Indices (within idx0..idx1) of values with no drawn neighbour: a series' only point, or one
 * alone between two gaps. A line needs two points, so uPlot draws nothing for these unless they
 * are marked. Undefined entries (another line's instants) are skipped, as the line spans them.
 */
export function isolatedPoints(ys: readonly (number | null | undefined)[], idx0 = 0, idx1 = ys.length - 1): number[] | null {
  const out: number[] = [];
  let before: number | null | undefined = null; // the nearest non-undefined entry to the left
  for (let i = 0; i < ys.length && i <= idx1; i++) {
    const v = ys[i];
    if (v === undefined) continue;
    if (v !== null && before === null && i >= idx0) {
      let after: number | null = null;
      for (let j = i + 1; j < ys.length; j++) {
        const w = ys[j];
        if (w === undefined) continue;
        after = w;
        break;
      }
      if (after === null) out.push(i);
    }
    before = v;
  }
  return out.length ? out : null;
}
