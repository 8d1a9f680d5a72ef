import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeUptime } from '@vigia/core';
import { STORE_KINDS, createTestStore, type TestDatabase } from '../src/testing.ts';
import { HistoryStore, UptimeHistory, type StoredSample } from '../src/index.ts';

const retention = { raw: 48 * 3600e3, '1m': 30 * 86400e3, '1h': 400 * 86400e3 };

describe.each(STORE_KINDS)('UptimeHistory on %s', (kind) => {
  let database: TestDatabase;
  let uptime: UptimeHistory;
  const day = Date.UTC(2026, 10, 26);
  const now = day + 12 * 3600e3;

  beforeAll(async () => {
    database = await createTestStore(kind);
    const history = new HistoryStore(database.store.sql);
    uptime = new UptimeHistory(database.store.sql);
    const samples: StoredSample[] = [];
    // "web" from two hosts every 10 s over the last 2 hours; host b fails for the last 30 minutes.
    for (let t = now - 2 * 3600e3; t < now; t += 10_000) {
      samples.push({ name: 'probe_success', labels: { probe: 'web', host: 'a' }, value: 1, timestamp: t });
      samples.push({ name: 'probe_success', labels: { probe: 'web', host: 'b' }, value: t >= now - 1800e3 ? 0 : 1, timestamp: t });
    }
    // "db" three days ago only: a gap since.
    for (let t = day - 3 * 86400e3; t < day - 3 * 86400e3 + 3600e3; t += 60_000) samples.push({ name: 'probe_success', labels: { probe: 'db', host: 'a' }, value: 1, timestamp: t });
    samples.push({ name: 'probe_duration_seconds', labels: { probe: 'web', host: 'a' }, value: 0.2, timestamp: now - 1000 });
    await history.insert(samples);
  }, 60_000);
  afterAll(() => database?.drop());

  it('lists the probes that have stored results', async () => {
    expect(await uptime.probeNames()).toEqual(['db', 'web']);
  });

  it('sums every location per bucket and computes the windows and the daily bar from them', async () => {
    const fine = await uptime.minuteBuckets(['web', 'db', 'none'], now - 86400e3, now, retention);
    const coarse = await uptime.hourBuckets(['web', 'db', 'none'], now - 90 * 86400e3);
    expect(fine.get('web')).toHaveLength(120);
    expect(fine.get('web')![0]).toMatchObject({ widthMs: 60_000, sum: 12, count: 12 });
    expect(fine.get('none')).toEqual([]);
    const web = computeUptime(fine.get('web')!, coarse.get('web')!, now);
    // 30 of 240 location-minutes down.
    expect(web.windows['24h'].ratio).toBeCloseTo(1 - 180 / 1440);
    expect(web.windows['90d'].ratio).toBeCloseTo(1 - 180 / 1440);
    expect(web.days.at(-1)).toMatchObject({ day: '2026-11-26', status: 'down' });
    const db = computeUptime(fine.get('db')!, coarse.get('db')!, now);
    expect(db.windows['24h']).toEqual({ ratio: null, coverage: 0 });
    expect(db.windows['7d'].ratio).toBe(1);
    expect(db.days.at(-4)).toMatchObject({ day: '2026-11-23', ratio: 1, status: 'up' });
  });

  it('reads minutes from raw rows where minute rollups are kept less than a day', async () => {
    const fromRaw = await uptime.minuteBuckets(['web'], now - 86400e3, now, { ...retention, '1m': 3600e3 });
    const fromRollups = await uptime.minuteBuckets(['web'], now - 86400e3, now, retention);
    expect(fromRaw.get('web')).toEqual(fromRollups.get('web'));
  });
});
