import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
// Type-only: the API's code never reaches the bundle, only the router's shape.
import type { AppRouter } from '@vigia/api';

// Same origin: the session cookie rides along on fetch and EventSource without any options.
const url = '/trpc';

let unauthorizedHandler: (() => void) | undefined;

/** Called whenever the server says the session is gone, whichever view made the call. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

// One place notices an expired session, so no view has to remember to check for it.
const sessionExpiryLink: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) =>
    observable((observer) =>
      next(op).subscribe({
        next: (value) => observer.next(value),
        complete: () => observer.complete(),
        error: (error) => {
          // auth.* answers UNAUTHORIZED for a wrong password, which is not an expired session.
          if (errorCode(error) === 'UNAUTHORIZED' && !op.path.startsWith('auth.')) unauthorizedHandler?.();
          observer.error(error);
        },
      }),
    );

export const trpc = createTRPCClient<AppRouter>({
  links: [
    sessionExpiryLink,
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url }),
      false: httpBatchLink({ url }),
    }),
  ],
});

export function errorCode(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

/** A sentence a person can act on; the server's own message when it sent one. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; issues?: { path: string; message: string }[] } | undefined;
    if (data?.issues?.length) return data.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    // No code: the request never got a tRPC answer (network down, a proxy's error page).
    if (!data?.code) return navigator.onLine ? 'cannot reach the Vigia server; is it running?' : 'you are offline';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
