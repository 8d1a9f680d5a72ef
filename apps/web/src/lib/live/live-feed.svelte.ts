import { errorCode, errorMessage, trpc } from '../trpc.ts';
import type { MetricSample } from '../api/types.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

type Connection = 'connecting' | 'open' | 'retrying' | 'stopped';

/**
 * The `metrics.live` subscription and an honest account of it: "live" only while the stream is
 * connected and the browser believes it is online; the link's own reconnects (with lastEventId,
 * so missed batches are replayed) show as "reconnecting".
 */
export class LiveFeed {
  private connection = $state<Connection>('connecting');
  private online = $state(navigator.onLine);
  private everConnected = $state(false);
  /** The last problem: a dropped stream (while retrying) or why it stopped for good. */
  error = $state<string | null>(null);
  lastDataAt = $state<number | null>(null);

  readonly status: LiveStatus = $derived.by(() => {
    if (!this.online || this.connection === 'stopped') return 'offline';
    if (this.connection === 'open') return 'live';
    if (this.connection === 'retrying' || this.everConnected) return 'reconnecting';
    return 'connecting';
  });

  /** True when the stream ended and will not come back by itself (offer a retry). */
  readonly stopped = $derived(this.connection === 'stopped');

  /** Starts following (every metric when `names` is absent); returns the function that stops it. */
  start(names: string[] | undefined, onSamples: (samples: MetricSample[]) => void): () => void {
    const setOnline = () => (this.online = navigator.onLine);
    window.addEventListener('online', setOnline);
    window.addEventListener('offline', setOnline);
    this.connection = 'connecting';
    this.error = null;

    const subscription = trpc.metrics.live.subscribe(
      { names },
      {
        onStarted: () => this.opened(),
        onData: (event) => {
          this.opened();
          this.lastDataAt = Date.now();
          onSamples(event.data.samples);
        },
        onConnectionStateChange: (state) => {
          if (state.state === 'pending') this.opened();
          else if (state.state === 'connecting') {
            this.connection = state.error || this.everConnected ? 'retrying' : 'connecting';
            if (state.error) this.error = errorMessage(state.error);
          } else if (state.state === 'idle') this.connection = 'stopped';
        },
        onError: (error) => {
          this.connection = 'stopped';
          // An expired session is handled app-wide (back to the login page); nothing to show here.
          this.error = errorCode(error) === 'UNAUTHORIZED' ? null : errorMessage(error);
        },
        onComplete: () => (this.connection = 'stopped'),
      },
    );

    return () => {
      subscription.unsubscribe();
      window.removeEventListener('online', setOnline);
      window.removeEventListener('offline', setOnline);
    };
  }

  private opened(): void {
    this.connection = 'open';
    this.everConnected = true;
    this.error = null;
  }
}
