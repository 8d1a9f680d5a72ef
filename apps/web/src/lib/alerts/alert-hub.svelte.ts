import type { Alert, AlertLiveEvent } from '../api/types.ts';
import { Query } from '../data/query.svelte.ts';
import { labelPairs } from '../live/series-key.ts';
import { trpc } from '../trpc.ts';

type Listener = (event: AlertLiveEvent) => void;

export const OPEN_STATUSES = ['firing', 'acknowledged'] as const;

/**
 * What the `alerts.live` stream brings (see streams.ts): keeps the open alerts (firing and
 * acknowledged) current for the overview, the navigation badge and the area colours, tells
 * pages about every transition, and words an announcement for screen readers.
 */
class AlertHub {
  readonly open = new Query<Alert[]>(() => trpc.alerts.list.query({ status: [...OPEN_STATUSES], limit: 500 }));
  connected = $state(false);
  error = $state<string | null>(null);
  /** The latest thing worth saying aloud ("New critical alert: …"), for an aria-live region. */
  announcement = $state('');

  readonly firing = $derived((this.open.data ?? []).filter((a) => a.status === 'firing'));

  private listeners = new Set<Listener>();

  reset(): void {
    this.connected = false;
    this.error = null;
    this.open.cancel();
    this.open.data = undefined;
    this.open.status = 'loading';
    this.announcement = '';
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  receive(event: AlertLiveEvent): void {
    this.open.reloadSoon();
    const what = `${event.rule}${Object.keys(event.labels ?? {}).length ? ` (${labelPairs(event.labels)})` : ''}`;
    if (event.type === 'firing') this.announcement = `New ${event.severity} alert: ${what}`;
    else if (event.type === 'reopened') this.announcement = `Alert firing again: ${what}`;
    else if (event.type === 'resolved') this.announcement = `Resolved: ${what}`;
    for (const l of this.listeners) l(event);
  }
}

export const alertHub = new AlertHub();
