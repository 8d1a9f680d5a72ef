import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource as EventSourcePonyfill } from 'eventsource';
import type { AppRouter } from './router.js';

export type { AppRouter } from './router.js';
export { TRPCClientError, isTRPCClientError } from '@trpc/client';
export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Every procedure of Vigia's API: `client.metrics.current.query()`, `client.metrics.live.subscribe(…)`, … */
export type VigiaClient = TRPCClient<AppRouter>;

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the client needs of an EventSource class (the browser's and the `eventsource` package's both fit). */
export interface EventSourceInstance {
  readonly CLOSED: number;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readyState: number;
  close(): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}
export type EventSourceClass = new (url: string, init?: { withCredentials?: boolean; fetch?: FetchFunction }) => EventSourceInstance;

export interface VigiaClientOptions {
  /** Where Vigia answers, such as `http://vigia.internal:5001`; the client adds `/trpc`. */
  url: string;
  /**
   * A bearer token: `API_TOKEN` or one an admin created. Without one, requests rely on the
   * browser's session cookie (a page served by Vigia itself).
   */
  token?: string;
  /** Replaces `globalThis.fetch` for every request, live streams included. */
  fetch?: FetchFunction;
  /**
   * The EventSource class for live subscriptions. By default the `eventsource` package's, which
   * runs in Node (no global EventSource in Node 20) and in browsers and, unlike the browser's
   * own, can send the bearer token; without a token the browser's own is used when there is one.
   */
  EventSource?: EventSourceClass;
}

function withBearer(headers: HeadersInit | undefined, token: string): Record<string, string> {
  const merged = Object.fromEntries(new Headers(headers).entries());
  merged.authorization = `Bearer ${token}`;
  return merged;
}

/** A typed client for Vigia's API: queries and mutations over HTTP (batched), subscriptions over SSE. */
export function createVigiaClient(options: VigiaClientOptions): VigiaClient {
  const endpoint = `${options.url.replace(/\/+$/, '')}/trpc`;
  const { token } = options;
  // Looked up per call, so a fetch replaced after the client was made (test doubles) still applies.
  const baseFetch: FetchFunction = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  const fetchWithToken: FetchFunction = token ? (input, init) => baseFetch(input, { ...init, headers: withBearer(init?.headers, token) }) : baseFetch;
  const nativeEventSource = (globalThis as { EventSource?: EventSourceClass }).EventSource;
  const EventSourceImpl = options.EventSource ?? (token || !nativeEventSource ? (EventSourcePonyfill as unknown as EventSourceClass) : nativeEventSource);

  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: endpoint,
          EventSource: EventSourceImpl,
          // The browser's own EventSource ignores `fetch` and sends the page's cookies instead.
          eventSourceOptions: () => ({ fetch: fetchWithToken }),
        }),
        false: httpBatchLink({ url: endpoint, fetch: fetchWithToken }),
      }),
    ],
  });
}
