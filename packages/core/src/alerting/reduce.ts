export type Reducer = 'avg' | 'min' | 'max' | 'last' | 'p95' | 'p99' | 'sum' | 'count' | 'rate';

export interface Point {
  t: number;
  v: number;
}

function percentile(sorted: number[], p: number): number {
  // Nearest-rank on the sorted values: the value below which p % of the samples fall.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/**
 * One number from the points of a window (oldest first), or null when the window is empty.
 * `rate` is per second over the window and treats a drop as a counter reset.
 */
export function reduce(points: Point[], reducer: Reducer): number | null {
  if (points.length === 0) return reducer === 'count' ? 0 : null;
  switch (reducer) {
    case 'last':
      return points[points.length - 1]!.v;
    case 'avg':
      return points.reduce((s, p) => s + p.v, 0) / points.length;
    case 'sum':
      return points.reduce((s, p) => s + p.v, 0);
    case 'min':
      return points.reduce((m, p) => Math.min(m, p.v), Infinity);
    case 'max':
      return points.reduce((m, p) => Math.max(m, p.v), -Infinity);
    case 'count':
      return points.length;
    case 'p95':
    case 'p99':
      return percentile(
        points.map((p) => p.v).sort((a, b) => a - b),
        reducer === 'p95' ? 95 : 99,
      );
    case 'rate': {
      if (points.length < 2) return null;
      let increase = 0;
      for (let i = 1; i < points.length; i++) {
        const delta = points[i]!.v - points[i - 1]!.v;
        increase += delta >= 0 ? delta : points[i]!.v;
      }
      const seconds = (points[points.length - 1]!.t - points[0]!.t) / 1000;
      return seconds > 0 ? increase / seconds : null;
    }
  }
}

export type Aggregate = 'sum' | 'avg' | 'min' | 'max';

export function aggregate(values: number[], how: Aggregate): number | null {
  if (values.length === 0) return null;
  switch (how) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
  }
}
