import { errorCode, errorMessage, trpc } from '../trpc.ts';
import type { TimeRange } from './ranges.ts';

export interface Point {
  /** ms since the epoch */
  t: number;
  v: number;
}

/**
 * One metric's recent history for a chart: read once per range from `metrics.history`, then grown
 * from live samples so it moves without polling.
 */
export class LiveSeries {
  // Raw: thousands of points, replaced as a whole, never observed point by point.
  points = $state.raw<Point[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  unit = $state<string | null>(null);
  range = $state<TimeRange | null>(null);

  /** Width of the history's buckets; live samples are folded into buckets of the same width. */
  private bucketMs = 0;
  /** Samples in the last bucket so far, for a running mean. */
  private lastCount = 1;
  /** Live samples that arrive while history is loading, merged once it lands. */
  private pending: Point[] = [];
  private request = 0;

  constructor(
    readonly name: string,
    private readonly labels?: Record<string, string>,
  ) {}

  async load(range: TimeRange, maxPoints: number): Promise<void> {
    const id = ++this.request;
    this.range = range;
    this.status = 'loading';
    this.error = null;
    const to = Date.now();
    try {
      const result = await trpc.metrics.history.query({ name: this.name, labels: this.labels, from: to - range.ms, to, maxPoints });
      if (id !== this.request) return; // a newer range was picked meanwhile
      const series = result.series[0];
      this.bucketMs = result.bucketMs;
      this.lastCount = 1;
      this.unit = series?.unit ?? this.unit;
      const points = (series?.points ?? []).map((p) => ({ t: p.t, v: p.v }));
      const loaded = this.pending;
      this.pending = [];
      this.points = points;
      for (const p of loaded) this.add(p);
      this.status = 'ready';
    } catch (error) {
      if (id !== this.request) return;
      // Nothing stored and nothing current yet: an empty chart, not a failure.
      if (errorCode(error) === 'NOT_FOUND') {
        this.points = [];
        this.status = 'ready';
        return;
      }
      this.error = errorMessage(error);
      this.status = 'error';
    }
  }

  push(t: number, v: number): void {
    if (this.status === 'loading') this.pending.push({ t, v });
    else this.add({ t, v });
  }

  private add(p: Point): void {
    const points = this.points;
    const last = points[points.length - 1];
    if (last && p.t <= last.t && this.bucketMs === 0) return; // replayed after a reconnect
    const windowStart = p.t - (this.range?.ms ?? 0);
    const kept = points[0] && points[0].t < windowStart ? points.filter((q) => q.t >= windowStart) : points.slice();
    if (this.bucketMs > 0) {
      const bucket = Math.floor(p.t / this.bucketMs) * this.bucketMs;
      const tail = kept[kept.length - 1];
      if (tail && bucket < tail.t) return;
      if (tail && tail.t === bucket) {
        this.lastCount++;
        kept[kept.length - 1] = { t: bucket, v: tail.v + (p.v - tail.v) / this.lastCount };
      } else {
        this.lastCount = 1;
        kept.push({ t: bucket, v: p.v });
      }
    } else {
      kept.push(p);
    }
    this.points = kept;
  }
}
