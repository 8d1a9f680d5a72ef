import { labelsMatch, seriesKey } from '../live/series-key.ts';
import { errorCode, errorMessage, trpc } from '../trpc.ts';
import { windowBounds, windowKey, type ChartWindow } from './ranges.ts';

export interface Point {
  /** ms since the epoch */
  t: number;
  v: number;
}

/** One series of a metric: one line on a chart. */
export interface Line {
  key: string;
  name: string;
  labels: Record<string, string>;
  points: Point[];
}

/**
 * Every series of one metric for a chart window: read once per window from `metrics.history`,
 * then, for a live window, grown from live samples so it moves without polling. A fixed window
 * (the past) never changes, so live samples are ignored there.
 */
export class MetricHistory {
  // Raw: thousands of points, replaced as a whole, never observed point by point.
  lines = $state.raw<Line[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  unit = $state<string | null>(null);
  /** The window the lines are for (windowKey), once loaded. */
  loaded = $state<string | null>(null);

  private window: ChartWindow | null = null;
  /** Width of the history's buckets; live samples are folded into buckets of the same width. */
  private bucketMs = 0;
  /** Samples in each line's last bucket so far, for a running mean. */
  private counts = new Map<string, number>();
  /** Live samples that arrive while history is loading, merged once it lands. */
  private pending: { labels: Record<string, string>; t: number; v: number }[] = [];
  private request = 0;

  constructor(
    readonly name: string,
    private readonly labels?: Record<string, string> | null,
  ) {}

  async load(window: ChartWindow, maxPoints: number): Promise<void> {
    const id = ++this.request;
    this.window = window;
    this.status = 'loading';
    this.error = null;
    const { from, to } = windowBounds(window, Date.now());
    try {
      const result = await trpc.metrics.history.query({ name: this.name, labels: this.labels ?? undefined, from: Math.floor(from), to: Math.ceil(to), maxPoints });
      if (id !== this.request) return; // a newer window was picked meanwhile
      this.bucketMs = result.bucketMs;
      this.counts.clear();
      this.unit = result.series.find((s) => s.unit)?.unit ?? this.unit;
      const loaded = this.pending;
      this.pending = [];
      this.lines = result.series.map((s) => ({ key: seriesKey(this.name, s.labels), name: this.name, labels: s.labels, points: s.points.map((p) => ({ t: p.t, v: p.v })) }));
      for (const p of loaded) this.add(p.labels, { t: p.t, v: p.v });
      this.status = 'ready';
      this.loaded = windowKey(window);
    } catch (error) {
      if (id !== this.request) return;
      // Nothing stored and nothing current yet: an empty chart, not a failure.
      if (errorCode(error) === 'NOT_FOUND') {
        this.lines = [];
        this.status = 'ready';
        this.loaded = windowKey(window);
        return;
      }
      this.error = errorMessage(error);
      this.status = 'error';
    }
  }

  push(labels: Record<string, string>, t: number, v: number, unit?: string | null): void {
    if (this.window?.kind !== 'live' || !labelsMatch(labels, this.labels)) return;
    if (unit && !this.unit) this.unit = unit;
    if (this.status === 'loading') this.pending.push({ labels, t, v });
    else this.add(labels, { t, v });
  }

  private add(labels: Record<string, string>, p: Point): void {
    const key = seriesKey(this.name, labels);
    const lines = this.lines;
    const index = lines.findIndex((l) => l.key === key);
    const line = index >= 0 ? lines[index]! : { key, name: this.name, labels, points: [] };
    const points = this.fold(key, line.points, p);
    if (points === line.points) return;
    const next = lines.slice();
    if (index >= 0) next[index] = { ...line, points };
    else next.push({ ...line, points });
    this.lines = next;
  }

  /** The line's points with `p` added (or folded into the last bucket), old ones trimmed. */
  private fold(key: string, points: Point[], p: Point): Point[] {
    const last = points[points.length - 1];
    if (last && p.t <= last.t && this.bucketMs === 0) return points; // replayed after a reconnect
    const span = this.window?.kind === 'live' ? this.window.range.ms : Infinity;
    const windowStart = p.t - span;
    let start = 0;
    while (start < points.length && points[start]!.t < windowStart) start++;
    const kept = points.slice(start);
    if (this.bucketMs > 0) {
      const bucket = Math.floor(p.t / this.bucketMs) * this.bucketMs;
      const tail = kept[kept.length - 1];
      if (tail && bucket < tail.t) return points;
      if (tail && tail.t === bucket) {
        const count = (this.counts.get(key) ?? 1) + 1;
        this.counts.set(key, count);
        kept[kept.length - 1] = { t: bucket, v: tail.v + (p.v - tail.v) / count };
      } else {
        this.counts.set(key, 1);
        kept.push({ t: bucket, v: p.v });
      }
    } else {
      kept.push(p);
    }
    return kept;
  }
}
