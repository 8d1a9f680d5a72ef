import { tracked } from '@trpc/server';
import type { Redis } from 'ioredis';
import { compareStreamIds, type StreamEvent, type StreamFeed } from '@vigia/live';

// A subscriber that cannot keep up loses its oldest events rather than the process its memory.
const MAX_BUFFERED = 2_000;

/**
 * Turns a Redis stream followed by this process into a tRPC subscription: subscribes first,
 * then replays what came after `lastEventId` (a reconnecting client), then streams, every event
 * `tracked` by its stream id and never twice.
 */
export async function* followStream<T extends object, Out>(
  feed: StreamFeed<T>,
  redis: Redis,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
  map: (event: StreamEvent<T>) => Out | null,
) {
  const pending: StreamEvent<T>[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = feed.subscribe((event) => {
    pending.push(event);
    if (pending.length > MAX_BUFFERED) pending.shift();
    wake?.();
  });
  // One abort listener for the whole subscription (one per wait would pile up).
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let lastId = lastEventId ?? null;
    if (lastId) pending.unshift(...(await feed.since(lastId, redis)));
    while (!signal?.aborted) {
      if (pending.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (signal?.aborted) resolve();
        });
        wake = undefined;
        continue;
      }
      const event = pending.shift()!;
      if (lastId && compareStreamIds(event.id, lastId) <= 0) continue;
      lastId = event.id;
      const out = map(event);
      if (out !== null) yield tracked(event.id, out);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
