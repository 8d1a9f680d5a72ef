import { alertHub } from '../alerts/alert-hub.svelte.ts';
import { liveHub } from './live-hub.svelte.ts';
import { shareStreams } from './stream-share.svelte.ts';

let handle: ReturnType<typeof shareStreams> | null = null;
let lastResync = -Infinity;
let alertsSeen = false;

/** Opens the app's live streams (or joins another tab's) once someone is signed in. */
export function startStreams(): void {
  if (handle) return;
  handle = shareStreams({
    samples: (samples) => liveHub.receive(samples),
    alert: (event) => alertHub.receive(event),
    status: (status) => {
      alertsSeen ||= status.alerts;
      // "Live" is a promise that alerts arrive too: a dropped alert stream is not live.
      liveHub.status = status.metrics === 'live' && alertsSeen && !status.alerts ? 'reconnecting' : status.metrics;
      liveHub.error = status.metricsError;
      liveHub.stopped = status.metricsStopped;
      alertHub.connected = status.alerts;
      alertHub.error = status.alertsError;
    },
    // Start-up and taking the lead in a tab both ask within a few ms: the first read serves both.
    resync: () => {
      const now = performance.now();
      if (now - lastResync < 100) return;
      lastResync = now;
      void liveHub.loadCurrent();
      void alertHub.open.load();
    },
  });
}

export function stopStreams(): void {
  lastResync = -Infinity;
  alertsSeen = false;
  handle?.stop();
  handle = null;
  liveHub.reset();
  alertHub.reset();
}

export function reconnectStreams(): void {
  handle?.reconnect();
}
