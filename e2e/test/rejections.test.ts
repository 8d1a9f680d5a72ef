import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

describe('vigia_ingest_rejected_total', () => {
  const redis = new Redis(TEST_REDIS_URL);
  let stack: Stack;
  const post = (body: string) => fetch(`${stack.url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' }, body });
  const totals = async () => {
    const text = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^vigia_ingest_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.stop();
    redis.disconnect();
  });

  it('counts a push whose body is not JSON as malformed_body', async () => {
    const res = await post('[{"name": ');
    expect(res.status).toBe(400);
    expect((await totals()).malformed_body).toBe(1);
    // Valid JSON that is not a list of samples is as malformed.
    expect((await post('{"name":"x","value":1}')).status).toBe(400);
    expect((await totals()).malformed_body).toBe(2);
  });

  it('counts a push through tRPC whose body is not JSON as malformed_body', async () => {
    const res = await fetch(`${stack.url}/trpc/metrics.push`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' }, body: '{"samples": [' });
    expect(res.status).toBe(400);
    await expect.poll(async () => (await totals()).malformed_body, { timeout: 10_000 }).toBe(3);
  });

  it('counts a body over the size limit, and too many samples, as body_too_large', async () => {
    const huge = `[${'{"name":"x","value":1},'.repeat(400_000)}{"name":"x","value":1}]`;
    expect(Buffer.byteLength(huge)).toBeGreaterThan(8 * 1024 * 1024);
    expect((await post(huge)).status).toBe(413);
    expect((await totals()).body_too_large).toBe(1);
    const tooMany = JSON.stringify(Array.from({ length: 50_001 }, () => ({ name: 'x', value: 1 })));
    expect((await post(tooMany)).status).toBe(413);
    expect((await totals()).body_too_large).toBe(2);
  });

  it('counts refused samples by reason through REST and tRPC', async () => {
    await post(
      JSON.stringify([
        { name: 'ok_value', value: 1 },
        { name: 'bad name', value: 1 },
        { name: 'old', value: 1, timestamp: 1_000 },
      ]),
    );
    await trpcClient(stack.url, stack.apiToken).metrics.push.mutate({ samples: [{ name: 'also bad', value: 1 }] });
    expect(await totals()).toMatchObject({ invalid_sample: 2, timestamp_out_of_range: 1 });
  });

  it('keeps every total when Redis loses Vigia’s keys', async () => {
    const before = await totals();
    expect(Object.keys(before).sort()).toEqual(['body_too_large', 'invalid_sample', 'malformed_body', 'timestamp_out_of_range']);
    // What a Redis restart without persistence does to this install: every key under its prefix gone.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${stack.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    const after = await totals();
    for (const [reason, n] of Object.entries(before)) expect(after[reason], reason).toBeGreaterThanOrEqual(n);
    // And counting goes on from there.
    await post('not json');
    expect((await totals()).malformed_body).toBe(before.malformed_body! + 1);
  });
});
