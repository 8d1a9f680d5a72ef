import type { Alert, AlertLiveEvent } from '../api/types.ts';
import { Query } from '../data/query.svelte.ts';
import { labelText } from '../live/series-key.ts';
import { errorCode, errorMessage, trpc } from '../trpc.ts';

type Listener = (event: AlertLiveEvent) => void;

export const OPEN_STATUSES = ['firing', 'acknowledged'] as const;

/**
 * The `alerts.live` stream, opened once after sign-in: keeps the open alerts (firing and
 * acknowledged) current for the overview, the navigation badge and the area colours, tells
 * pages about every transition, and words an announcement for screen readers.
 */
class AlertHub {
  readonly open = new Query<Alert[]>(() => trpc.alerts.list.query({ status: [...OPEN_STATUSES], limit: 500 }));
  connected = $state(false);
  error = $state<string | null>(null);
  /** The latest thing worth saying aloud ("New critical alert: …"), for an aria-live region. */
  announcement = $state('');
  /** Bumped on every event, for views that only need to know "something changed". */
  revision = $state(0);

  readonly firing = $derived((this.open.data ?? []).filter((a) => a.status === 'firing'));

  private listeners = new Set<Listener>();
  private unsubscribe: (() => void) | undefined;

  start(): void {
    if (this.unsubscribe) return;
    void this.open.load();
    const subscription = trpc.alerts.live.subscribe(undefined, {
      onStarted: () => {
        // Whatever happened while we were away is in the list, not in the (resumed) stream.
        if (this.connected === false && this.open.loadedAt !== null) this.open.reloadSoon(0);
        this.connected = true;
        this.error = null;
      },
      onData: (envelope) => {
        this.connected = true;
        const event = ('data' in envelope ? envelope.data : envelope) as AlertLiveEvent;
        this.receive(event);
      },
      onConnectionStateChange: (state) => {
        if (state.state === 'connecting') {
          this.connected = false;
          if (state.error) this.error = errorMessage(state.error);
        } else if (state.state === 'pending') this.connected = true;
      },
      onError: (error) => {
        this.connected = false;
        this.error = errorCode(error) === 'UNAUTHORIZED' ? null : errorMessage(error);
      },
    });
    this.unsubscribe = () => subscription.unsubscribe();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.connected = false;
    this.open.cancel();
    this.open.data = undefined;
    this.open.status = 'loading';
    this.announcement = '';
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(event: AlertLiveEvent): void {
    this.revision++;
    this.open.reloadSoon();
    const what = `${event.rule}${Object.keys(event.labels ?? {}).length ? ` (${labelText(event.labels)})` : ''}`;
    if (event.type === 'firing') this.announcement = `New ${event.severity} alert: ${what}`;
    else if (event.type === 'reopened') this.announcement = `Alert firing again: ${what}`;
    else if (event.type === 'resolved') this.announcement = `Resolved: ${what}`;
    for (const l of this.listeners) l(event);
  }
}

export const alertHub = new AlertHub();
