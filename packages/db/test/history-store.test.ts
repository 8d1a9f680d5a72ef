import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRange } from '@vigia/core';
import { STORE_KINDS, createTestStore, type TestDatabase } from '../src/testing.ts';
import { HistoryStore, type StoredSample } from '../src/index.ts';

const retention = { raw: 48 * 3600e3, '1m': 30 * 86400e3, '1h': 400 * 86400e3 };

describe.each(STORE_KINDS)('HistoryStore on %s', (kind) => {
  let database: TestDatabase;
  let history: HistoryStore;
  const t0 = Date.UTC(2026, 10, 26, 10, 0, 0);

  beforeAll(async () => {
    database = await createTestStore(kind);
    history = new HistoryStore(database.store.sql);
  }, 60_000);
  afterAll(() => database?.drop());

  it('stores samples and reads them back raw, oldest first', async () => {
    const samples: StoredSample[] = [];
    for (let i = 0; i < 120; i++) {
      samples.push({ name: 'cpu_usage', labels: {}, unit: '%', value: i, timestamp: t0 + i * 1000 });
      samples.push({ name: 'disk_usage', labels: { mount: '/' }, unit: '%', value: 50, timestamp: t0 + i * 1000 });
      samples.push({ name: 'disk_usage', labels: { mount: '/data' }, unit: '%', value: 70 + i, timestamp: t0 + i * 1000 });
    }
    await history.insert(samples);
    const [cpu] = await history.range('cpu_usage', undefined, t0, t0 + 119_000, { resolution: 'raw', bucketMs: 0 });
    expect(cpu!.points).toHaveLength(120);
    expect(cpu!.points[0]).toEqual({ t: t0, v: 0 });
    expect(cpu!.points[119]).toEqual({ t: t0 + 119_000, v: 119 });
    expect(cpu!.unit).toBe('%');
  });

  it('keeps 1-minute and 1-hour rollups exact, and a re-sent batch changes nothing', async () => {
    const again: StoredSample[] = [];
    for (let i = 0; i < 120; i++) again.push({ name: 'cpu_usage', labels: {}, value: i, timestamp: t0 + i * 1000 });
    await history.insert(again);
    const [m] = await history.range('cpu_usage', undefined, t0, t0 + 120_000, { resolution: '1m', bucketMs: 60_000 });
    expect(m!.points).toEqual([
      { t: t0, v: 29.5, min: 0, max: 59 },
      { t: t0 + 60_000, v: 89.5, min: 60, max: 119 },
    ]);
    const [h] = await history.range('cpu_usage', undefined, t0, t0 + 120_000, { resolution: '1h', bucketMs: 3_600_000 });
    expect(h!.points).toEqual([{ t: t0, v: 59.5, min: 0, max: 119 }]);
  });

  it('buckets raw samples and filters series by labels', async () => {
    const series = await history.range('disk_usage', { mount: '/data' }, t0, t0 + 119_000, { resolution: 'raw', bucketMs: 30_000 });
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toEqual({ mount: '/data' });
    expect(series[0]!.points.map((p) => p.v)).toEqual([84.5, 114.5, 144.5, 174.5]);
    expect(await history.range('disk_usage', undefined, t0, t0 + 1000, { resolution: 'raw', bucketMs: 0 })).toHaveLength(2);
    expect(await history.range('nope', undefined, t0, t0 + 1000, { resolution: 'raw', bucketMs: 0 })).toEqual([]);
  });

  it('answers a planned range with no more points than asked', async () => {
    const plan = planRange(t0, t0 + 120_000, 10, t0 + 120_000, retention);
    const [cpu] = await history.range('cpu_usage', undefined, t0, t0 + 120_000, plan);
    expect(cpu!.points.length).toBeLessThanOrEqual(10);
    expect(cpu!.points.length).toBeGreaterThan(0);
  });

  it('returns the newest N samples oldest first', async () => {
    const points = await history.latest('cpu_usage', 5);
    expect(points.map((p) => p.value)).toEqual([115, 116, 117, 118, 119]);
    expect(points[0]!.labels).toEqual({});
  });

  it('enforces retention per resolution', async () => {
    const now = t0 + 48 * 3600e3 + 60_000;
    const removed = await history.enforceRetention(now, retention);
    expect(removed.samples_raw).toBe(3 * 60);
    expect(removed.samples_1m).toBe(0);
    const [m] = await history.range('cpu_usage', undefined, t0, t0 + 120_000, { resolution: '1m', bucketMs: 60_000 });
    expect(m!.points).toHaveLength(2);
  });
});
