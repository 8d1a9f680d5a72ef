import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { STORE_KINDS, createTestStore, type TestDatabase } from '@vigia/testing';
import { HistorySource, rangeQuery } from '../src/index.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const retention = { raw: 2 * HOUR, '1m': 24 * HOUR, '1h': 400 * 24 * HOUR };

/** A counter per cpu, +1 per second, sampled every 15 s from `from` to `to`. */
function counters(from: number, to: number): StoredSample[] {
  const out: StoredSample[] = [];
  for (let t = from; t <= to; t += 15_000) {
    for (const cpu of ['0', '1']) out.push({ name: 'cpu_total', labels: { cpu }, value: (t - (NOW - 4 * HOUR)) / 1000, timestamp: t });
  }
  return out;
}

describe.each(STORE_KINDS)('HistorySource on %s', (kind) => {
  let database: TestDatabase;
  let history: HistoryStore;
  let now = NOW - 10 * 60_000 + 20_000;

  beforeAll(async () => {
    database = await createTestStore(kind);
    history = new HistoryStore(database.store.sql);
    await history.insert(counters(NOW - 4 * HOUR, NOW - 10 * 60_000));
  });
  afterAll(() => database?.drop());

  it('answers from raw samples, then reads only what arrived since', async () => {
    const source = new HistorySource(database.store.sql, { retention, now: () => now, settleMs: 60_000 });
    const query = () => rangeQuery('sum(rate(cpu_total[1m]))', now - HOUR, now, 60_000, source);
    const first = await query();
    const values = first.result[0]!.values;
    // Up to 10 minutes ago both counters grow 1/s; after the 5-minute lookback nothing.
    expect(values.filter(([t]) => t * 1000 <= NOW - 10 * 60_000).every(([, v]) => Math.abs(Number(v) - 2) < 1e-9)).toBe(true);
    expect(values.some(([t]) => t * 1000 > NOW - 10 * 60_000 + 60_000)).toBe(false);
    const cached = source.cachedSamples;
    expect(cached).toBeGreaterThan(0);

    // Samples arrive; the next refresh sees them.
    await history.insert(counters(NOW - 10 * 60_000 + 15_000, NOW));
    now = NOW + 15_000;
    const second = await query();
    const last = second.result[0]!.values.at(-1)!;
    expect(last[0] * 1000).toBe(now);
    expect(Number(last[1])).toBeCloseTo(2, 9);
    expect(second.result[0]!.values.every(([, v]) => Math.abs(Number(v) - 2) < 1e-9)).toBe(true);
  });

  it('reads rollups for the time before raw retention', async () => {
    now = NOW;
    const source = new HistorySource(database.store.sql, { retention, now: () => now });
    const r = await rangeQuery('sum(rate(cpu_total[5m]))', NOW - 3.5 * HOUR, NOW - 2.5 * HOUR, 5 * 60_000, source);
    const values = r.result[0]!.values.map(([, v]) => Number(v));
    expect(values.length).toBeGreaterThan(5);
    // Minute maxima of a counter still rise 1/s.
    for (const v of values) expect(v).toBeCloseTo(2, 6);
  });

  it('selects series by every matcher type', async () => {
    const source = new HistorySource(database.store.sql, { retention, now: () => now });
    const r = await rangeQuery('cpu_total{cpu=~"1|2", cpu!="2"}', NOW - 60_000, NOW, 60_000, source);
    expect(r.result.map((s) => s.metric)).toEqual([{ __name__: 'cpu_total', cpu: '1' }]);
  });
});
