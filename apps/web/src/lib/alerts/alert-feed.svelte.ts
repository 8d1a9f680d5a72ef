import type { AlertLiveEvent } from '../api/types.ts';
import { errorCode, errorMessage, trpc } from '../trpc.ts';

/** The `alerts.live` subscription: every transition as it is committed, resumed by event id. */
export class AlertFeed {
  connected = $state(false);
  error = $state<string | null>(null);

  /** `onResumed` runs when the stream (re)opens: what happened while it was down is not replayed. */
  start(onEvent: (event: AlertLiveEvent) => void, onResumed: () => void): () => void {
    let opened = false;
    const subscription = trpc.alerts.live.subscribe(undefined, {
      onStarted: () => {
        if (opened) onResumed();
        opened = true;
        this.connected = true;
        this.error = null;
      },
      onData: (envelope) => {
        this.connected = true;
        onEvent(('data' in envelope ? envelope.data : envelope) as AlertLiveEvent);
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
    return () => subscription.unsubscribe();
  }
}
