import { AlertFeed } from '../alerts/alert-feed.svelte.ts';
import type { AlertLiveEvent, MetricSample } from '../api/types.ts';
import { LiveFeed, type LiveStatus } from './live-feed.svelte.ts';

export interface StreamStatus {
  metrics: LiveStatus;
  metricsError: string | null;
  /** The metrics stream ended for good: offer a reconnect. */
  metricsStopped: boolean;
  alerts: boolean;
  alertsError: string | null;
}

export interface StreamSink {
  samples(samples: MetricSample[]): void;
  alert(event: AlertLiveEvent): void;
  status(status: StreamStatus): void;
  /** The streams (re)opened, here or in another tab: reread what may have changed meanwhile. */
  resync(): void;
}

type Message =
  { type: 'samples'; samples: MetricSample[] } | { type: 'alert'; event: AlertLiveEvent } | { type: 'status'; status: StreamStatus } | { type: 'resync' } | { type: 'hello' } | { type: 'reconnect' };

const NAME = 'vigia-live-streams';

/** Both subscriptions, in this tab. */
function runStreams(sink: StreamSink): { stop(): void; reconnect(): void } {
  const feed = new LiveFeed();
  const alerts = new AlertFeed();
  let stopMetrics = feed.start(undefined, (samples) => sink.samples(samples));
  const stopAlerts = alerts.start(
    (event) => sink.alert(event),
    () => sink.resync(),
  );
  const stopWatching = $effect.root(() => {
    $effect(() => {
      sink.status({ metrics: feed.status, metricsError: feed.error, metricsStopped: feed.stopped, alerts: alerts.connected, alertsError: alerts.error });
    });
  });
  return {
    stop() {
      stopWatching();
      stopMetrics();
      stopAlerts();
    },
    reconnect() {
      stopMetrics();
      stopMetrics = feed.start(undefined, (samples) => sink.samples(samples));
    },
  };
}

/**
 * One set of live streams per browser, however many tabs are open. A browser keeps six HTTP/1.1
 * connections per server and each stream holds one for good: with two streams a tab, a third
 * tab would leave nothing for ordinary requests and hang. So one tab (whichever holds the Web
 * Lock) streams and relays everything to the others over a BroadcastChannel; when it closes,
 * another takes over. Browsers without those APIs (plain http on a LAN address is not a secure
 * context, so no Web Locks) stream per tab, as before.
 */
export function shareStreams(sink: StreamSink): { stop(): void; reconnect(): void } {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks || typeof BroadcastChannel === 'undefined') {
    const solo = runStreams(sink);
    sink.resync();
    return solo;
  }

  const channel = new BroadcastChannel(NAME);
  const abort = new AbortController();
  let leading: ReturnType<typeof runStreams> | null = null;
  let lastStatus: StreamStatus | null = null;
  let release: () => void = () => {};
  const post = (message: Message) => channel.postMessage(message);

  channel.onmessage = ({ data }: MessageEvent<Message>) => {
    if (leading) {
      // Only the leader answers questions; it already handled its own data.
      if (data.type === 'hello' && lastStatus) post({ type: 'status', status: lastStatus });
      else if (data.type === 'reconnect') leading.reconnect();
      return;
    }
    if (data.type === 'samples') sink.samples(data.samples);
    else if (data.type === 'alert') sink.alert(data.event);
    else if (data.type === 'status') sink.status(data.status);
    else if (data.type === 'resync') sink.resync();
  };

  const relay: StreamSink = {
    samples(samples) {
      sink.samples(samples);
      post({ type: 'samples', samples });
    },
    alert(event) {
      sink.alert(event);
      post({ type: 'alert', event });
    },
    status(status) {
      lastStatus = status;
      sink.status(status);
      post({ type: 'status', status });
    },
    resync() {
      sink.resync();
      post({ type: 'resync' });
    },
  };

  locks
    .request(NAME, { signal: abort.signal }, () => {
      leading = runStreams(relay);
      // A handover may have lost a few events: everyone rereads.
      relay.resync();
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => {
      // Aborted while waiting to lead: this tab is closing or signing out.
    });

  // Until a leader answers, say we are connecting (and learn the state of an existing one).
  sink.status({ metrics: 'connecting', metricsError: null, metricsStopped: false, alerts: false, alertsError: null });
  post({ type: 'hello' });
  sink.resync();

  return {
    stop() {
      abort.abort();
      leading?.stop();
      leading = null;
      release();
      channel.close();
    },
    reconnect() {
      if (leading) leading.reconnect();
      else post({ type: 'reconnect' });
    },
  };
}
