import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCollectorOnce, type CollectorRunResult } from '@vigia/plugin-sdk';
import { redisPrefix, TEST_REDIS_URL } from '@vigia/testing';
import apiCollector, { keysOf } from '../src/index.ts';

const valueOf = (r: CollectorRunResult, name: string) => r.samples.find((s) => s.name === name)?.value;
const rejections = (r: CollectorRunResult, reason: string) => r.rejected.filter((x) => x.reason === reason).length;

describe('api collector on the shared Redis', () => {
  let space: { prefix: string; cleanup(): Promise<void> };
  let client: Redis;
  let config: { url: string; prefix: string };
  let keys: ReturnType<typeof keysOf>;
  let n = 0;

  beforeAll(() => {
    space = redisPrefix();
    client = new Redis(TEST_REDIS_URL);
  });

  beforeEach(() => {
    // A prefix per test: the seed's keys and the collector's state start empty every time.
    config = { url: TEST_REDIS_URL, prefix: `${space.prefix}:${n++}:mcp:` };
    keys = keysOf(config.prefix);
  });

  afterAll(async () => {
    await client.quit();
    await space.cleanup();
  });

  it('loses and double-counts nothing while producers push and two instances consume', async () => {
    const producers = 4;
    const perProducer = 5_000;
    let expectedSum = 0;
    const produce = async (p: number) => {
      const producer = new Redis(TEST_REDIS_URL);
      for (let batch = 0; batch < perProducer / 250; batch++) {
        const pipeline = producer.pipeline();
        for (let i = 0; i < 250; i++) {
          const value = ((p * perProducer + batch * 250 + i) % 1000) / 1000;
          expectedSum += value;
          pipeline.lpush(keys.responseTimes, String(value));
        }
        await pipeline.exec();
      }
      await producer.quit();
    };
    let producing = true;
    const consumed: number[] = [];
    let weightedSum = 0;
    const consume = async () => {
      const collector = apiCollector();
      try {
        for (;;) {
          const finished = !producing;
          const r = await runCollectorOnce(collector, { config, keepOpen: true });
          const count = valueOf(r, 'api_response_times_consumed')!;
          consumed.push(count);
          if (count) weightedSum += valueOf(r, 'api_response_time_avg')! * count;
          if (finished && count === 0) return;
        }
      } finally {
        await collector.close?.();
      }
    };
    const consumers = [consume(), consume()];
    await Promise.all(Array.from({ length: producers }, (_, p) => produce(p)));
    producing = false;
    await Promise.all(consumers);

    expect(consumed.reduce((a, b) => a + b, 0)).toBe(producers * perProducer);
    expect(consumed.filter((c) => c > 0).length).toBeGreaterThan(1);
    // Same values, each once: the consumed averages add back up to what was pushed.
    expect(weightedSum).toBeCloseTo(expectedSum, 1);
    expect(await client.llen(keys.responseTimes)).toBe(0);
  });

  it('reports percentiles and the mean of a known distribution', async () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) / 100).sort(() => Math.random() - 0.5);
    await client.lpush(keys.responseTimes, ...values.map(String));
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(r.invalid).toEqual([]);
    expect(valueOf(r, 'api_response_times_consumed')).toBe(100);
    expect(valueOf(r, 'api_response_time_p50')).toBe(0.5);
    expect(valueOf(r, 'api_response_time_p95')).toBe(0.95);
    expect(valueOf(r, 'api_response_time_p99')).toBe(0.99);
    expect(valueOf(r, 'api_response_time_avg')).toBeCloseTo(0.505, 6);
    // The list was consumed: the next tick saw no request, and says 0 rather than nothing.
    const next = await runCollectorOnce(apiCollector(), { config });
    expect(valueOf(next, 'api_response_times_consumed')).toBe(0);
    expect(valueOf(next, 'api_response_time_p95')).toBe(0);
  });

  it('exports every series at 0 from the first tick when nothing was ever recorded', async () => {
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(r.invalid).toEqual([]);
    const names = ['api_request_rate', 'api_error_rate', 'api_response_time_p50', 'api_response_time_p95', 'api_response_time_p99', 'api_response_time_avg', 'api_requests_total', 'api_errors_total'];
    expect(Object.fromEntries(names.map((name) => [name, valueOf(r, name)]))).toEqual(Object.fromEntries(names.map((name) => [name, 0])));
  });

  it('computes request rate and error percentage over the interval, from state in Redis', async () => {
    await client.set(keys.requests, 1_000);
    await client.set(keys.errors, 7);
    const started = performance.now();
    // The baseline is taken by one instance and used by another, as when workers take turns.
    const first = await runCollectorOnce(apiCollector(), { config });
    const betweenFrom = performance.now();
    expect(valueOf(first, 'api_request_rate')).toBeUndefined();
    expect(valueOf(first, 'api_requests_total')).toBe(1_000);
    expect(valueOf(first, 'api_errors_total')).toBe(7);

    await client.incrby(keys.requests, 200);
    await client.incrby(keys.errors, 10);
    const betweenTo = performance.now();
    const second = await runCollectorOnce(apiCollector(), { config });
    const ended = performance.now();

    expect(valueOf(second, 'api_error_rate')).toBe(5);
    expect(valueOf(second, 'api_requests_total')).toBe(1_200);
    // The interval lies between the gap separating the two runs and the span covering both.
    const rate = valueOf(second, 'api_request_rate')!;
    expect(rate).toBeGreaterThanOrEqual(200 / ((ended - started) / 1000) - 0.01);
    expect(rate).toBeLessThanOrEqual(200 / ((betweenTo - betweenFrom) / 1000) + 0.01);
  });

  it('treats a counter that went down as reset', async () => {
    await client.set(keys.requests, 5_000);
    await client.set(keys.errors, 500);
    await runCollectorOnce(apiCollector(), { config });
    await client.set(keys.requests, 40);
    await client.set(keys.errors, 10);
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(valueOf(r, 'api_error_rate')).toBe(25);
    expect(valueOf(r, 'api_request_rate')).toBeGreaterThan(0);
  });

  it('says 0 % errors for an interval without requests', async () => {
    await client.set(keys.requests, 10);
    await runCollectorOnce(apiCollector(), { config });
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(valueOf(r, 'api_request_rate')).toBe(0);
    expect(valueOf(r, 'api_error_rate')).toBe(0);
  });

  it('skips and counts values that are not non-negative numbers of seconds', async () => {
    await client.lpush(keys.responseTimes, '0.2', 'abc', '-1', 'NaN', 'Infinity', '', '0x10', '0.4');
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(rejections(r, 'invalid_response_time')).toBe(6);
    expect(valueOf(r, 'api_response_times_consumed')).toBe(8);
    expect(valueOf(r, 'api_response_time_avg')).toBeCloseTo(0.3, 6);
    expect(r.invalid).toEqual([]);
  });

  it('keeps the newest max_list_length values and counts the dropped ones', async () => {
    // LPUSH one at a time: the last pushed (24) is the newest.
    for (let i = 0; i < 25; i++) await client.lpush(keys.responseTimes, String(i));
    const r = await runCollectorOnce(apiCollector(), { config: { ...config, max_list_length: 10 } });
    expect(valueOf(r, 'api_response_times_consumed')).toBe(10);
    expect(rejections(r, 'response_times_overflow')).toBe(15);
    expect(valueOf(r, 'api_response_time_p50')).toBe(19); // 15…24
    expect(await client.exists(keys.responseTimes)).toBe(0);
  });

  it('refuses a broken counter without failing', async () => {
    await client.set(keys.requests, 'lots');
    await client.lpush(keys.responseTimes, '0.1');
    const r = await runCollectorOnce(apiCollector(), { config });
    expect(rejections(r, 'invalid_counter')).toBe(1);
    expect(valueOf(r, 'api_requests_total')).toBeUndefined();
    expect(valueOf(r, 'api_response_time_p50')).toBe(0.1);
  });

  it('fails with the address, not the password, when Redis is unreachable', async () => {
    const failure = runCollectorOnce(apiCollector(), { config: { url: 'redis://:topsecret@127.0.0.1:1' } });
    await expect(failure).rejects.toThrow(/^Redis 127\.0\.0\.1:1: /);
    await expect(failure).rejects.not.toThrow(/topsecret/);
  });
});
