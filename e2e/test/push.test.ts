import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

type Current = { metrics: { name: string; labels: Record<string, string>; value: number; stale: boolean }[] };

describe('pushing samples over HTTP', () => {
  let stack: Stack;
  let viewerToken: string;
  const post = (token: string, body: string) => fetch(`${stack.url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    stack = await startStack({ yaml: 'collectors:\n  system: { enabled: false }\nstorage:\n  stale_after: 2s\nalerts:\n  collector_down: { enabled: false }\n' });
    const auth = stack.api!.deps.auth;
    const viewer = await auth.createUser('viewer', 'viewer-password', 'viewer');
    viewerToken = (await auth.createToken(viewer.id, 'viewer token')).token;
  });
  afterAll(() => stack?.stop());

  it('accepts good samples and refuses bad ones one by one, counting them', async () => {
    const res = await post(
      stack.apiToken,
      JSON.stringify([
        { name: 'orders_created', value: 3, labels: { shop: 'north' }, unit: 'orders' },
        { name: 'bad name', value: 1 },
        { name: 'orders_created', value: 'many' },
        { name: 'queue_depth', value: 17 },
      ]),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; error: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(body.rejected[0]!.error).toMatch(/^name: /);
    const current = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current;
    expect(current.metrics.find((m) => m.name === 'orders_created')).toMatchObject({ value: 3, labels: { shop: 'north' }, stale: false });
    const metrics = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^vigia_ingest_rejected_total\{reason="invalid_sample"\} 2$/m);
    expect(metrics).toMatch(/^orders_created\{shop="north"\} 3$/m);
  });

  it('answers a request with nothing usable with 400 and a message', async () => {
    expect((await post(stack.apiToken, JSON.stringify([{ value: 1 }]))).status).toBe(400);
    const notArray = await post(stack.apiToken, JSON.stringify({ name: 'x', value: 1 }));
    expect(notArray.status).toBe(400);
    expect(((await notArray.json()) as { error: string }).error).toMatch(/JSON array of samples/);
    const malformed = await post(stack.apiToken, '[{"name": ');
    expect(malformed.status).toBe(400);
    expect(Object.keys((await malformed.json()) as object)).toEqual(['error']);
  });

  it('refuses viewers (403) and anonymous callers (401)', async () => {
    expect((await post(viewerToken, '[{"name":"x","value":1}]')).status).toBe(403);
    expect((await fetch(`${stack.url}/api/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(401);
  });

  it('takes pushes through tRPC too, into history and live subscribers', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const seen: number[] = [];
    const sub = client.metrics.live.subscribe({ names: ['deploys'] }, { onData: (e) => seen.push(...e.data.samples.map((s) => s.value)) });
    await new Promise((r) => setTimeout(r, 300));
    const result = await client.metrics.push.mutate({ samples: [{ name: 'deploys', value: 5 }] });
    expect(result).toEqual({ accepted: 1, rejected: [], rejectedCount: 0, rejectedByReason: {} });
    await waitFor(() => seen.includes(5), { what: 'the pushed sample on the live stream' });
    sub.unsubscribe();
    await waitFor(async () => (await client.metrics.history.query({ name: 'deploys', from: Date.now() - 60_000 })).series[0]?.points.length === 1, { what: 'the pushed sample in history' });
  });

  it('marks a series that stops arriving as stale and drops it from /metrics', async () => {
    await post(stack.apiToken, JSON.stringify([{ name: 'heartbeat', value: 1 }]));
    const stale = await waitFor(
      async () => {
        const current = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current;
        return current.metrics.find((m) => m.name === 'heartbeat' && m.stale);
      },
      { what: 'heartbeat to go stale' },
    );
    expect(stale.value).toBe(1);
    const metrics = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^heartbeat /m);
  });
});
