import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, redisPrefix } from '@vigia/testing';
import { SampleReader, SampleWriter, redisKeys, toLiveSample, type SampleBatch } from '../src/index.ts';

describe('SampleWriter', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  const keys = redisKeys(prefix.prefix);
  const writer = new SampleWriter(redis, keys, { liveWindowMs: 60_000 });
  const reader = new SampleReader(redis, keys);
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  const entries = async (stream: string) => ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([, fields]) => fields[1]!);

  it('puts the batch on both streams as its JSON, the newest sample of each series in latest and every sample in its window', async () => {
    const now = Date.now();
    const batch: SampleBatch = {
      source: 'push',
      samples: [
        toLiveSample({ name: 'cpu', value: 1.5, labels: { host: 'a' }, timestamp: now - 2_000 }, now),
        // Not ASCII, and a value with quotes and a newline: byte offsets and escapes must hold.
        toLiveSample({ name: 'cpu', value: 2, labels: { host: 'bé "q"\nz' }, timestamp: now - 1_500 }, now),
        toLiveSample({ name: 'cpu', value: 3.25, labels: { host: 'a' }, timestamp: now - 1_000 }, now),
        toLiveSample({ name: 'mem', value: -0.125, unit: 'bytes', timestamp: now - 500 }, now),
        // Last in the batch, though older than the sample before it: the newest value is the last written.
        toLiveSample({ name: 'cpu', value: 4, labels: { host: 'a' }, timestamp: now - 1_200 }, now),
      ],
    };
    const id = await writer.write(batch);
    expect(id).toMatch(/^\d+-\d+$/);
    expect(await entries(keys.ingest)).toEqual([JSON.stringify(batch)]);
    expect(await entries(keys.live)).toEqual([JSON.stringify(batch)]);
    const latest = await redis.hgetall(keys.latest);
    expect(Object.fromEntries(Object.entries(latest).map(([k, v]) => [k, JSON.parse(v) as unknown]))).toEqual({
      'cpu{host="a"}': batch.samples[4],
      [batch.samples[1]!.key]: batch.samples[1],
      mem: batch.samples[3],
    });
    expect(await reader.window('cpu{host="a"}', 0)).toEqual([
      { t: now - 2_000, v: 1.5 },
      { t: now - 1_200, v: 4 },
      { t: now - 1_000, v: 3.25 },
    ]);
    expect(await reader.window(batch.samples[1]!.key, 0)).toEqual([{ t: now - 1_500, v: 2 }]);
    expect(await reader.window('mem', 0)).toEqual([{ t: now - 500, v: -0.125 }]);
    expect(await redis.pttl(keys.window('mem'))).toBeGreaterThan(60_000);
  });

  it('writes a batch carrying more than source and samples whole, its samples still found in latest', async () => {
    const now = Date.now();
    const batch = { source: 'odd', samples: [toLiveSample({ name: 'ünï', value: 7, timestamp: now }, now)], extra: 'kept' } as SampleBatch;
    await writer.write(batch);
    expect((await entries(keys.ingest)).at(-1)).toEqual(JSON.stringify(batch));
    expect(JSON.parse((await redis.hget(keys.latest, 'ünï'))!)).toEqual(batch.samples[0]);
  });

  it('holds a batch larger than one command slice', async () => {
    const now = Date.now();
    const samples = Array.from({ length: 2_600 }, (_, i) => toLiveSample({ name: 'many', value: i, labels: { n: String(i % 1_300) }, timestamp: now - 2_600 + i }, now));
    await writer.write({ source: 'push', samples });
    expect(await redis.hlen(keys.latest)).toBeGreaterThanOrEqual(1_300);
    expect(JSON.parse((await redis.hget(keys.latest, 'many{n="5"}'))!)).toEqual(samples[1_305]);
    expect(await reader.window('many{n="5"}', 0)).toEqual([
      { t: now - 2_600 + 5, v: 5 },
      { t: now - 2_600 + 1_305, v: 1_305 },
    ]);
    const one = Array.from({ length: 1_200 }, (_, i) => toLiveSample({ name: 'long', value: i, timestamp: now - 1_200 + i }, now));
    await writer.write({ source: 'push', samples: one });
    expect(await redis.zcard(keys.window('long'))).toBe(1_200);
  });

  it('trims a window of what has left it', async () => {
    const now = Date.now();
    const fresh = new SampleWriter(redis, keys, { liveWindowMs: 1_000 });
    await fresh.write({ source: 'push', samples: [toLiveSample({ name: 'trimmed', value: 1, timestamp: now - 5_000 }, now)] });
    // A new writer trims a series on its first write.
    await new SampleWriter(redis, keys, { liveWindowMs: 1_000 }).write({ source: 'push', samples: [toLiveSample({ name: 'trimmed', value: 2, timestamp: now }, now)] });
    expect(await reader.window('trimmed', 0)).toEqual([{ t: now, v: 2 }]);
  });
});
