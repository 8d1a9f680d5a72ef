import { TRPCClientError, createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '@vigia/api';
import type { Stack } from './stack.ts';

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

export type VigiaClient = ReturnType<typeof trpcClient>;

/** fetch with the bearer token. */
export function authedFetch(token: string) {
  return (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
}

/** A client for a new user of `role` on the stack, signed in by an API token of theirs. */
export async function clientAs(stack: Stack, name: string, role: 'viewer' | 'operator'): Promise<VigiaClient> {
  const auth = stack.api!.deps.auth;
  const user = await auth.createUser(name, `${name}-password-1`, role);
  return trpcClient(stack.url, (await auth.createToken(user.id, 'test')).token);
}

/** The tRPC error code a call failed with (FORBIDDEN, BAD_REQUEST…), and its message; a call that succeeds fails the test. */
export async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return { code: (error.data as { code: string }).code, message: error.message };
    throw error;
  }
  throw new Error('the call was not refused');
}
