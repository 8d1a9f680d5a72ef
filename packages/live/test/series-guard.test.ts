import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { TEST_REDIS_URL, redisPrefix } from '@vigia/testing';
import { SeriesGuard, redisKeys, type LiveSample } from '../src/index.ts';

const sample = (name: string, labels: Record<string, string>): LiveSample => ({ key: seriesKey(name, labels), name, labels, value: 1, timestamp: 1 });

describe('SeriesGuard', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefixes: ReturnType<typeof redisPrefix>[] = [];
  const guard = (limits: Partial<ConstructorParameters<typeof SeriesGuard>[2]> = {}) => {
    const p = redisPrefix();
    prefixes.push(p);
    return new SeriesGuard(redis, redisKeys(p.prefix), { seriesPerMetric: 2, newSeriesPerMinute: 100, labelsPerSample: 20, labelNameLength: 100, labelValueLength: 1024, ...limits });
  };
  afterAll(async () => {
    for (const p of prefixes) await p.cleanup();
    redis.disconnect();
  });

  it('counts a series once however many samples of it a batch holds', async () => {
    const g = guard({ newSeriesPerMinute: 2 });
    const answers = await g.admit([sample('a', { x: '1' }), sample('a', { x: '1' }), sample('a', { x: '2' }), sample('b', {}), sample('a', { x: '1' })], 60_000);
    expect(answers.map((a) => a?.reason ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'new_series_rate', 'ok']);
  });

  it('gives the place of a series silent past the horizon back', async () => {
    const g = guard();
    expect((await g.admit([sample('m', { x: '1' }), sample('m', { x: '2' }), sample('m', { x: '3' })], 1_000)).map((a) => a?.reason ?? 'ok')).toEqual(['ok', 'ok', 'series_limit']);
    // x=2 is seen again later (stamped again past the refresh interval); x=1 stays silent.
    await g.admit([sample('m', { x: '2' })], 200_000);
    expect(await g.forgetSilent(100_000)).toBe(1);
    expect((await g.admit([sample('m', { x: '3' }), sample('m', { x: '4' })], 300_000)).map((a) => a?.reason ?? 'ok')).toEqual(['ok', 'series_limit']);
  });

  it('admits a series it admitted within the last minute without asking Redis, and stamps it again after', async () => {
    const p = redisPrefix();
    prefixes.push(p);
    const keys = redisKeys(p.prefix);
    const g = new SeriesGuard(redis, keys, { seriesPerMetric: 2, newSeriesPerMinute: 100, labelsPerSample: 20, labelNameLength: 100, labelValueLength: 1024 });
    const s = sample('steady', { host: 'a' });
    expect(await g.admit([s], 1_000)).toEqual([null]);
    expect(await redis.zscore(keys.knownSeries('steady'), s.key)).toBe('1000');
    // Gone from Redis: a call to the script would put it back, so it staying away shows no call was made.
    await redis.del(keys.knownSeries('steady'));
    expect(await g.admit([s], 30_000)).toEqual([null]);
    expect(await redis.zcard(keys.knownSeries('steady'))).toBe(0);
    // A minute on, the script is asked again and stamps it.
    expect(await g.admit([s], 61_000)).toEqual([null]);
    expect(await redis.zscore(keys.knownSeries('steady'), s.key)).toBe('61000');
  });

  it('still refuses a new series of a full metric while known ones pass from memory', async () => {
    const g = guard();
    const known = [sample('full', { x: '1' }), sample('full', { x: '2' })];
    expect(await g.admit(known, 1_000)).toEqual([null, null]);
    const answers = await g.admit([...known, sample('full', { x: '3' })], 2_000);
    expect(answers.map((a) => a?.reason ?? 'ok')).toEqual(['ok', 'ok', 'series_limit']);
  });
});
