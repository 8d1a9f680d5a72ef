import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '@vigia/api';

/** A typed tRPC client for tests, authenticated by bearer token (Node has no EventSource: the eventsource package). */
export function trpcClient(url: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          eventSourceOptions: () => ({ fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) }),
        }),
        false: httpBatchLink({ url: `${url}/trpc`, headers }),
      }),
    ],
  });
}

/** fetch with the bearer token. */
export function authedFetch(token: string) {
  return (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
}
