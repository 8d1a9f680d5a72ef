import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, redisPrefix, waitFor } from '@vigia/testing';
import { LiveFeed, SampleWriter, redisKeys, toLiveSample, type LiveBatch } from '../src/index.ts';

describe('LiveFeed.only', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  it('hands on only the entries its filter wants, and follows the stream past the others', async () => {
    const keys = redisKeys(prefix.prefix);
    const writer = new SampleWriter(redis, keys, { liveWindowMs: 60_000 });
    const payloads: string[] = [];
    const feed = new LiveFeed(new Redis(TEST_REDIS_URL), keys).only((payload) => {
      payloads.push(payload.toString());
      return payload.includes('"name":"wanted"');
    });
    const seen: LiveBatch[] = [];
    feed.subscribe((batch) => seen.push(batch));
    feed.start(await feed.newestId(redis));
    const now = Date.now();
    // A label value holding the wanted text is written escaped, so it is no match.
    await writer.write({ source: 'a', samples: [toLiveSample({ name: 'other', value: 1, labels: { note: '"name":"wanted"' } }, now)] });
    await writer.write({ source: 'b', samples: [toLiveSample({ name: 'wanted', value: 2 }, now)] });
    await writer.write({ source: 'c', samples: [toLiveSample({ name: 'other', value: 3 }, now)] });
    await writer.write({ source: 'd', samples: [toLiveSample({ name: 'wanted', value: 4 }, now)] });
    await waitFor(() => payloads.length === 4, { what: 'the four entries read' });
    await feed.stop();
    expect(seen.map((b) => [b.source, b.samples[0]!.value])).toEqual([
      ['b', 2],
      ['d', 4],
    ]);
  });
});
