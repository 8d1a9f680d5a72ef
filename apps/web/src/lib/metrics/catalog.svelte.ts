import { untrack } from 'svelte';
import type { MetricInfo } from '../api/types.ts';
import { Query } from '../data/query.svelte.ts';
import { liveHub } from '../live/live-hub.svelte.ts';
import { trpc } from '../trpc.ts';

/**
 * `metrics.list`: which metrics exist, their units and help. Asked again when the live stream
 * brings a name never seen, so a metric pushed for the first time gets its chart at once.
 */
class Catalog {
  readonly query = new Query<MetricInfo[]>(() => trpc.metrics.list.query());
  private seen = 0;

  get metrics(): MetricInfo[] {
    return this.query.data ?? [];
  }

  ensure(): void {
    untrack(() => {
      if (this.query.loadedAt === null && this.query.status !== 'error') void this.query.load();
    });
  }

  /** Call from an effect: reading `liveHub.newNames` makes the caller re-run when one appears. */
  watchNewNames(): void {
    const n = liveHub.newNames;
    if (n !== this.seen) {
      this.seen = n;
      this.query.reloadSoon(500);
    }
  }

  unitOf(name: string): string | null {
    return this.metrics.find((m) => m.name === name)?.unit ?? null;
  }

  reset(): void {
    this.query.cancel();
    this.query.data = undefined;
    this.query.loadedAt = null;
  }
}

export const catalog = new Catalog();
