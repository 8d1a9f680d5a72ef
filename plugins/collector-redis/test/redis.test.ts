import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorOnce, type CollectorRunResult } from '@vigia/plugin-sdk';
import { redisPrefix, TEST_REDIS_URL } from '@vigia/testing';
import redisCollector, { stateKey } from '../src/index.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';

const valueOf = (r: CollectorRunResult, name: string) => r.samples.find((s) => s.name === name)?.value;

/** `hits` GETs of an existing key and `misses` GETs of missing ones, in one round trip. */
async function lookups(client: Redis, prefix: string, hits: number, misses: number): Promise<void> {
  await client.set(`${prefix}present`, 'yes');
  const pipeline = client.pipeline();
  for (let i = 0; i < hits; i++) pipeline.get(`${prefix}present`);
  for (let i = 0; i < misses; i++) pipeline.get(`${prefix}absent:${i}`);
  await pipeline.exec();
}

describe('redis collector on a Redis of its own', () => {
  let server: PrivateRedis | string;
  let client: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    if (typeof server !== 'string') client = new Redis(server.url);
  });

  afterAll(async () => {
    await client?.quit();
    if (typeof server !== 'string') await server?.stop();
  });

  it('reports the hit rate of the interval exactly, not since boot', async (ctx) => {
    if (typeof server === 'string') return ctx.skip(server);
    const config = { url: server.url, prefix: 'app:' };
    // Lookups before the first tick are history the interval must not include.
    await lookups(client, 'app:', 0, 500);
    const collector = redisCollector();
    try {
      const first = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(valueOf(first, 'cache_hit_rate')).toBeUndefined();
      expect(valueOf(first, 'cache_ops_per_sec')).toBeGreaterThanOrEqual(0);

      await lookups(client, 'app:', 30, 10);
      const second = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(second.invalid).toEqual([]);
      expect(valueOf(second, 'cache_hit_rate')).toBe(75);

      await lookups(client, 'app:', 1, 3);
      const third = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(valueOf(third, 'cache_hit_rate')).toBe(25);

      // An idle interval has no hit rate rather than a made-up one.
      const idle = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(valueOf(idle, 'cache_hit_rate')).toBeUndefined();
    } finally {
      await collector.close?.();
    }
  });

  it('keeps the baseline in Redis, so another instance continues the interval', async (ctx) => {
    if (typeof server === 'string') return ctx.skip(server);
    const config = { url: server.url, prefix: 'shared:' };
    await runCollectorOnce(redisCollector(), { config });
    await lookups(client, 'shared:', 9, 1);
    const other = await runCollectorOnce(redisCollector(), { config });
    expect(valueOf(other, 'cache_hit_rate')).toBe(90);
    expect(await client.exists(stateKey('shared:'))).toBe(1);
  });

  it('reports memory, the maxmemory limit, clients and keys', async (ctx) => {
    if (typeof server === 'string') return ctx.skip(server);
    await client.config('SET', 'maxmemory', String(64 * 1024 * 1024));
    await client.mset('k1', '1', 'k2', '2', 'k3', '3');
    await client.select(1);
    await client.set('other-db', 'x');
    await client.select(0);
    const result = await runCollectorOnce(redisCollector(), { config: { url: server.url, prefix: 'mem:' } });
    expect(valueOf(result, 'cache_memory_max_bytes')).toBe(64 * 1024 * 1024);
    expect(valueOf(result, 'cache_memory_used_bytes')).toBeGreaterThan(0);
    expect(valueOf(result, 'cache_connected_clients')).toBeGreaterThanOrEqual(2);
    expect(valueOf(result, 'cache_evicted_keys_total')).toBe(0);
    // Databases 0 and 1 both count; this tick's state key was written after INFO read the keyspace.
    const db0BeforeState = (await client.dbsize()) - 1;
    expect(valueOf(result, 'cache_keys')).toBe(db0BeforeState + 1);
    expect(result.info).toMatchObject({ version: expect.any(String), role: 'master' });
  });
});

describe('redis collector on the shared Redis', () => {
  let prefix: { prefix: string; cleanup(): Promise<void> };
  let client: Redis;

  beforeAll(() => {
    prefix = redisPrefix();
    client = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await client.quit();
    await prefix.cleanup();
  });

  it('measures the hit rate of real hits and misses between two collects', async () => {
    const config = { url: TEST_REDIS_URL, prefix: `${prefix.prefix}:` };
    const collector = redisCollector();
    try {
      await runCollectorOnce(collector, { config, keepOpen: true });
      await lookups(client, config.prefix, 3000, 1000);
      const second = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(second.invalid).toEqual([]);
      // Other test runs share this server's counters; 4,000 lookups of ours dominate the interval.
      expect(valueOf(second, 'cache_hit_rate')).toBeGreaterThan(70);
      expect(valueOf(second, 'cache_hit_rate')).toBeLessThan(80);
      expect(valueOf(second, 'cache_ops_per_sec')).toBeGreaterThan(0);
      expect(valueOf(second, 'cache_keys')).toBeGreaterThanOrEqual(1);
    } finally {
      await collector.close?.();
    }
  });

  it('fails with the address, not the password, when Redis is unreachable', async () => {
    const failure = runCollectorOnce(redisCollector(), { config: { url: 'redis://:topsecret@127.0.0.1:1' } });
    await expect(failure).rejects.toThrow(/^Redis 127\.0\.0\.1:1: /);
    await expect(failure).rejects.not.toThrow(/topsecret/);
  });
});
