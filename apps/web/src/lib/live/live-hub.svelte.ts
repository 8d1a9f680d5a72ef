import { untrack } from 'svelte';
import type { MetricSample } from '../api/types.ts';
import { errorMessage, trpc } from '../trpc.ts';
import type { LiveStatus } from './live-feed.svelte.ts';
import { seriesKey } from './series-key.ts';

type Listener = (sample: MetricSample) => void;

/**
 * What the one `metrics.live` stream of the app brings (see streams.ts), shared by every view:
 * switching pages never reconnects, and the live indicator speaks for the connection every
 * chart depends on. Holds the latest value of every series (seeded by `metrics.current`).
 */
class LiveHub {
  status = $state<LiveStatus>('connecting');
  error = $state<string | null>(null);
  /** The stream ended for good: the indicator offers to reconnect. */
  stopped = $state(false);
  // Replaced wholesale per batch: one signal for a few hundred series instead of one each.
  latest = $state.raw(new Map<string, MetricSample>());
  currentStatus = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  currentError = $state<string | null>(null);
  /** Names seen for the first time since start: new custom metrics appear without a reload. */
  newNames = $state(0);

  private byName = new Map<string, Set<Listener>>();
  private everything = new Set<(samples: MetricSample[]) => void>();
  private known = new Set<string>();

  reset(): void {
    this.latest = new Map();
    this.known.clear();
    this.currentStatus = 'idle';
    this.status = 'connecting';
    this.error = null;
    this.stopped = false;
  }

  /** Streams are followed first, then `current` read: samples arriving meanwhile are merged by age. */
  async loadCurrent(): Promise<void> {
    if (untrack(() => this.currentStatus) !== 'ready') this.currentStatus = 'loading';
    try {
      const current = await trpc.metrics.current.query();
      this.merge(current.metrics);
      for (const s of current.metrics) this.known.add(s.name);
      this.currentStatus = 'ready';
      this.currentError = null;
    } catch (error) {
      this.currentError = errorMessage(error);
      this.currentStatus = 'error';
    }
  }

  /** Calls `listener` for each new sample of `name`; returns the function that stops it. */
  follow(name: string, listener: Listener): () => void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byName.delete(name);
    };
  }

  /** Every batch, whatever its metrics. */
  followAll(listener: (samples: MetricSample[]) => void): () => void {
    this.everything.add(listener);
    return () => this.everything.delete(listener);
  }

  /** Latest samples of one metric (all its series). */
  samplesOf(name: string): MetricSample[] {
    const out: MetricSample[] = [];
    for (const s of this.latest.values()) if (s.name === name) out.push(s);
    return out;
  }

  receive(samples: MetricSample[]): void {
    this.merge(samples);
    let fresh = false;
    for (const s of samples) {
      if (!this.known.has(s.name)) {
        this.known.add(s.name);
        fresh = true;
      }
      const listeners = this.byName.get(s.name);
      if (listeners) for (const l of listeners) l(s);
    }
    for (const l of this.everything) l(samples);
    if (fresh && this.currentStatus === 'ready') this.newNames++;
  }

  private merge(samples: MetricSample[]): void {
    if (!samples.length) return;
    const next = new Map(this.latest);
    for (const s of samples) {
      const key = seriesKey(s.name, s.labels);
      const known = next.get(key);
      if (!known || known.timestamp <= s.timestamp) next.set(key, s);
    }
    this.latest = next;
  }
}

export const liveHub = new LiveHub();
