import { describe, expect, it } from 'vitest';
import { toColumns } from '../src/history-columns.ts';
import { rollUp, rollupParams } from '../src/history-rollup.ts';
import type { StoredSample } from '../src/history-types.ts';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const sample = (name: string, timestamp: number, value: number): StoredSample => ({ name, labels: {}, value, timestamp }) as StoredSample;

function rollupsOf(samples: StoredSample[], ids: number[]) {
  const rows = toColumns(samples, Int32Array.from(ids), () => true);
  const { minutes, hours } = rollUp(rows);
  const [series, bucketMs, min, max, sum, count] = rollupParams(minutes);
  const [, hourMs, , , hourSum, hourCount] = rollupParams(hours);
  return { rows, minutes: { series, bucketMs, min, max, sum, count }, hours: { bucketMs: hourMs, sum: hourSum, count: hourCount } };
}

describe('rollups computed before writing', () => {
  it('gives each series one row per UTC minute and hour with min, max, sum and count', () => {
    const samples = [sample('a', T0, 1), sample('a', T0 + 30_000, 5), sample('a', T0 + 60_000, 2), sample('a', T0 + 3600_000, 7)];
    const { minutes, hours } = rollupsOf(samples, [1, 1, 1, 1]);
    expect(minutes.bucketMs).toEqual([T0, T0 + 60_000, T0 + 3600_000]);
    expect(minutes.min).toEqual([1, 2, 7]);
    expect(minutes.max).toEqual([5, 2, 7]);
    expect(minutes.sum).toEqual([6, 2, 7]);
    expect(minutes.count).toEqual([2, 1, 1]);
    expect(hours.bucketMs).toEqual([T0, T0 + 3600_000]);
    expect(hours.sum).toEqual([8, 7]);
    expect(hours.count).toEqual([3, 1]);
  });

  it('orders rows by series id and drops a repeated timestamp of one series, keeping the first', () => {
    const samples = [sample('b', T0, 1), sample('a', T0, 10), sample('b', T0, 99), sample('a', T0 + 1000, 20)];
    const { rows, minutes } = rollupsOf(samples, [2, 1, 2, 1]);
    expect(rows.duplicates).toBe(1);
    expect(Array.from(rows.seriesIds.subarray(0, rows.length))).toEqual([1, 1, 2]);
    expect(minutes.series).toEqual([1, 2]);
    expect(minutes.sum).toEqual([30, 1]);
  });

  it('sorts a series whose samples arrive out of order into bucket order', () => {
    const samples = [sample('a', T0 + 120_000, 3), sample('a', T0, 1)];
    const { minutes } = rollupsOf(samples, [1, 1]);
    expect(minutes.bucketMs).toEqual([T0, T0 + 120_000]);
  });

  it('orders NaN above every number, as PostgreSQL does: it is the max, never the min', () => {
    const { minutes } = rollupsOf([sample('a', T0, NaN), sample('a', T0 + 1000, 4), sample('b', T0, 4), sample('b', T0 + 1000, NaN)], [1, 1, 2, 2]);
    expect(minutes.min).toEqual([4, 4]);
    expect(minutes.max).toEqual([NaN, NaN]);
  });

  it('refuses a sample without a valid timestamp, naming the metric', () => {
    expect(() => toColumns([sample('cpu', NaN, 1)], Int32Array.from([1]), () => true)).toThrow(/cpu has no valid timestamp/);
  });
});
