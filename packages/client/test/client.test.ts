import type { AddressInfo } from 'node:net';
import { initTRPC, tracked } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVigiaClient } from '../src/index.ts';

// A stand-in server with two of Vigia's procedure paths: enough to see what the client sends
// (headers, paths, the SSE request) without a whole Vigia. e2e/test/client.test.ts runs the built
// package against a real one.
interface Seen {
  path: string;
  authorization?: string;
  accept?: string;
}
const seen: Seen[] = [];
const t = initTRPC.context<{ authorization?: string }>().create();
const stub = t.router({
  metrics: t.router({
    current: t.procedure.query(({ ctx }) => ({ timestamp: 1, metrics: [{ name: 'cpu_usage', labels: {}, value: 42, unit: '%', timestamp: 1 }], auth: ctx.authorization ?? null })),
    live: t.procedure.subscription(async function* () {
      yield tracked('1-0', { source: 'system', samples: [{ name: 'cpu_usage', labels: {}, value: 43, unit: '%', timestamp: 2 }] });
    }),
  }),
});

let server: ReturnType<typeof createHTTPServer>;
let url = '';

beforeAll(async () => {
  server = createHTTPServer({
    basePath: '/trpc/',
    router: stub,
    createContext: ({ req }) => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
      return { authorization: req.headers.authorization };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function firstLiveBatch(client: ReturnType<typeof createVigiaClient>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sub = client.metrics.live.subscribe(undefined, {
      onData(event) {
        sub.unsubscribe();
        resolve(event);
      },
      onError: reject,
    });
    setTimeout(() => reject(new Error('no live event within 5 s')), 5_000).unref();
  });
}

describe('createVigiaClient', () => {
  it('sends the bearer token with queries, at <url>/trpc (trailing slash or not)', async () => {
    const client = createVigiaClient({ url: `${url}/`, token: 'secret-1' });
    const current = await client.metrics.current.query();
    expect(current.metrics[0]).toMatchObject({ name: 'cpu_usage', value: 42 });
    expect((current as unknown as { auth: string }).auth).toBe('Bearer secret-1');
    expect(seen.at(-1)?.path).toMatch(/^\/trpc\/metrics\.current/);
  });

  it('follows subscriptions over SSE in Node 20 (no global EventSource), with the token', async () => {
    expect((globalThis as { EventSource?: unknown }).EventSource).toBeUndefined();
    const client = createVigiaClient({ url, token: 'secret-2' });
    const event = (await firstLiveBatch(client)) as { id: string; data: { samples: { value: number }[] } };
    expect(event.id).toBe('1-0');
    expect(event.data.samples[0]?.value).toBe(43);
    const request = seen.findLast((s) => s.path.startsWith('/trpc/metrics.live'));
    expect(request).toMatchObject({ authorization: 'Bearer secret-2', accept: 'text/event-stream' });
  });

  it('sends every request, live streams included, through a given fetch', async () => {
    const calls: string[] = [];
    const client = createVigiaClient({
      url,
      token: 'secret-3',
      fetch: (input, init) => {
        calls.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    await client.metrics.current.query();
    await firstLiveBatch(client);
    expect(calls.some((c) => c.includes('/trpc/metrics.current'))).toBe(true);
    expect(calls.some((c) => c.includes('/trpc/metrics.live'))).toBe(true);
    expect(seen.at(-1)?.authorization).toBe('Bearer secret-3');
  });
});
