import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

type PushResult = { accepted: number; rejected: { index: number; error: string }[]; rejectedCount: number; rejectedByReason: Record<string, number> };
type Current = { metrics: { name: string; labels: Record<string, string>; value: number }[] };

const BATCH = 5_000;
const MAX_DETAILED = 100;

/** Every 1,000th sample is good, sample 1 is too old, the others are broken in turn in four ways. */
function floodSample(i: number): unknown {
  if (i % 1_000 === 0) return { name: 'flood_ok', value: i, labels: { n: String(i) } };
  if (i === 1) return { name: 'flood_old', value: 1, timestamp: 1_000 };
  switch (i % 4) {
    case 0:
      return { name: `bad name ${i}`, value: 1 };
    case 1:
      return { name: 'flood_bad', value: `v${i}` };
    case 2:
      return { name: 'flood_bad', value: 1, labels: { 'bad-label': 'x' } };
    default:
      return { name: 'flood_bad', value: 1, labels: { __reserved: 'x' } };
  }
}

describe('a push with thousands of invalid samples', () => {
  let stack: Stack;
  const post = (body: string) => fetch(`${stack.url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' }, body });
  const totals = async () => {
    const text = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^vigia_ingest_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false, yaml: 'collectors:\n  system: { enabled: false }\n' });
  });
  afterAll(() => stack?.stop());

  it('counts every refusal, details only the first 100, and keeps the good samples', async () => {
    const res = await post(JSON.stringify(Array.from({ length: BATCH }, (_, i) => floodSample(i))));
    expect(res.status).toBe(200);
    const body = (await res.json()) as PushResult;
    const good = BATCH / 1_000;
    expect(body.accepted).toBe(good);
    expect(body.rejectedCount).toBe(BATCH - good);
    expect(body.rejectedByReason).toEqual({ invalid_sample: BATCH - good - 1, timestamp_out_of_range: 1 });
    // The refusals with the lowest indices, in order, each with its full error.
    expect(body.rejected).toHaveLength(MAX_DETAILED);
    expect(body.rejected.map((r) => r.index)).toEqual(Array.from({ length: MAX_DETAILED }, (_, i) => i + 1));
    expect(body.rejected[0]!.error).toBe('timestamp: outside raw retention or in the future');
    const errorOf = (index: number) => body.rejected.find((r) => r.index === index)!.error;
    expect(errorOf(4)).toMatch(/^name: must match/);
    expect(errorOf(5)).toMatch(/^value: /);
    expect(errorOf(6)).toMatch(/^labels\.bad-label: /);
    expect(errorOf(7)).toMatch(/^labels\.__reserved: /);

    expect(await totals()).toMatchObject({ invalid_sample: BATCH - good - 1, timestamp_out_of_range: 1 });
    const current = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current;
    expect(
      current.metrics
        .filter((m) => m.name === 'flood_ok')
        .map((m) => m.value)
        .sort((a, b) => a - b),
    ).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
  });

  it('lists every refusal when there are no more than 100, and answers 400 when none is good', async () => {
    const res = await post(JSON.stringify(Array.from({ length: MAX_DETAILED }, (_, i) => ({ name: 'bad name', value: i }))));
    expect(res.status).toBe(400);
    const body = (await res.json()) as PushResult;
    expect(body).toMatchObject({ accepted: 0, rejectedCount: MAX_DETAILED, rejectedByReason: { invalid_sample: MAX_DETAILED } });
    expect(body.rejected.map((r) => r.index)).toEqual(Array.from({ length: MAX_DETAILED }, (_, i) => i));
  });

  it('answers the same through tRPC', async () => {
    const samples = Array.from({ length: 300 }, (_, i) => (i === 299 ? { name: 'flood_trpc', value: 1 } : { name: 'flood_bad', value: 'x' }));
    const result = await trpcClient(stack.url, stack.apiToken).metrics.push.mutate({ samples });
    expect(result).toMatchObject({ accepted: 1, rejectedCount: 299, rejectedByReason: { invalid_sample: 299 } });
    expect(result.rejected).toHaveLength(MAX_DETAILED);
  });
});
