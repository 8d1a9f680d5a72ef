import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, redisPrefix, waitFor } from '@vigia/testing';
import { LiveFeed, SampleWriter, redisKeys, toLiveSample, type LiveBatch } from '../src/index.ts';

/** The connection's line in CLIENT LIST: `flags` holds `b` while it waits in a blocking read. */
async function blockedInRead(redis: Redis, name: string): Promise<boolean> {
  const line = ((await redis.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) throw new Error(`no client named ${name}`);
  return /\bflags=\w*b/.test(line) && line.includes(' cmd=xread');
}

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

describe('StreamFeed.startOnDemand', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  it('reads the stream only while somebody is subscribed, and hands a new subscriber what comes after it', async () => {
    const keys = redisKeys(prefix.prefix);
    const writer = new SampleWriter(redis, keys, { liveWindowMs: 60_000 });
    const name = `feed-${prefix.prefix.replace(/\W/g, '')}`;
    const blocking = new Redis(TEST_REDIS_URL, { connectionName: name });
    const feed = new LiveFeed(blocking, keys);
    const write = (source: string, value: number) => writer.write({ source, samples: [toLiveSample({ name: 'm', value }, Date.now())] });
    try {
      feed.startOnDemand();
      await blocking.ping();
      await write('before', 1);
      expect(await blockedInRead(redis, name)).toBe(false);

      const seen: string[] = [];
      const unsubscribe = feed.subscribe((batch) => seen.push(batch.source));
      await waitFor(() => blockedInRead(redis, name), { what: 'the feed to follow the stream once subscribed' });
      await write('during', 2);
      await waitFor(() => seen.length === 1, { what: 'the entry written while subscribed' });

      unsubscribe();
      // The read under way returns with this entry and is the last one.
      await write('after', 3);
      await waitFor(async () => !(await blockedInRead(redis, name)), { what: 'the feed to stop reading once nobody is subscribed' });

      const later: string[] = [];
      feed.subscribe((batch) => later.push(batch.source));
      await waitFor(() => blockedInRead(redis, name), { what: 'the feed to follow again for a new subscriber' });
      await write('again', 4);
      await waitFor(() => later.length === 1, { what: 'the entry written for the new subscriber' });
      expect({ seen, later }).toEqual({ seen: ['during'], later: ['again'] });
    } finally {
      await feed.stop();
    }
  });
});
