import { describe, expect, it } from 'vitest';
import { SampleCache } from '../src/sample-cache.ts';

const arrays = (...points: [number, number][]) => ({ t: Float64Array.from(points, (p) => p[0]), v: Float64Array.from(points, (p) => p[1]) });
const pairs = (a: { t: Float64Array; v: Float64Array }) => Array.from(a.t, (t, i) => [t, a.v[i]]);

describe('SampleCache', () => {
  it('reads a series once, then only what comes after the settled time', () => {
    const cache = new SampleCache(1000);
    expect(cache.plan(1, 0, 100)).toEqual({ tail: { after: 0, to: 100, inclusive: true } });
    cache.merge(1, 0, 100, 80, undefined, { after: 0, inclusive: true, arrays: arrays([10, 1], [50, 2], [90, 3]) });
    // 90 is past the settled time (80): read again next time, with whatever arrived since.
    expect(cache.plan(1, 0, 120)).toEqual({ tail: { after: 80, to: 120, inclusive: false } });
    const answer = cache.merge(1, 0, 120, 100, undefined, { after: 80, inclusive: false, arrays: arrays([90, 3], [110, 4]) });
    expect(pairs(answer)).toEqual([
      [10, 1],
      [50, 2],
      [90, 3],
      [110, 4],
    ]);
    expect(cache.plan(1, 20, 100)).toEqual({});
    expect(pairs(cache.merge(1, 20, 100, 100, undefined, undefined))).toEqual([
      [50, 2],
      [90, 3],
    ]);
  });

  it('takes in a sample that arrived late without changing an answer already handed out', () => {
    const cache = new SampleCache(1000);
    const first = cache.merge(1, 0, 100, 50, undefined, { after: 0, inclusive: true, arrays: arrays([10, 1], [90, 3]) });
    const second = cache.merge(1, 0, 100, 100, undefined, { after: 50, inclusive: false, arrays: arrays([70, 2], [90, 3]) });
    expect(pairs(second)).toEqual([
      [10, 1],
      [70, 2],
      [90, 3],
    ]);
    expect(pairs(first)).toEqual([
      [10, 1],
      [90, 3],
    ]);
  });

  it('reads earlier time as a head, and merges two reads planned at once only once', () => {
    const cache = new SampleCache(1000);
    cache.merge(1, 50, 100, 100, undefined, { after: 50, inclusive: true, arrays: arrays([60, 2], [90, 3]) });
    expect(cache.plan(1, 0, 100)).toEqual({ head: { after: 0, to: 49, inclusive: true } });
    const head = arrays([10, 1]);
    cache.merge(1, 0, 100, 100, head, undefined);
    expect(pairs(cache.merge(1, 0, 100, 100, head, undefined))).toEqual([
      [10, 1],
      [60, 2],
      [90, 3],
    ]);
    // Two queries that both found nothing cached, merging one after the other.
    const read = { after: 0, inclusive: true, arrays: arrays([10, 1], [20, 2]) };
    cache.merge(2, 0, 30, 30, undefined, read);
    expect(pairs(cache.merge(2, 0, 30, 30, undefined, read))).toEqual([
      [10, 1],
      [20, 2],
    ]);
  });

  it('evicts the least recently used series beyond its budget', () => {
    const cache = new SampleCache(3);
    cache.merge(1, 0, 10, 10, undefined, { after: 0, inclusive: true, arrays: arrays([1, 1], [2, 2]) });
    cache.merge(2, 0, 10, 10, undefined, { after: 0, inclusive: true, arrays: arrays([1, 1], [2, 2]) });
    expect(cache.samples).toBe(2);
    expect(cache.plan(1, 0, 10)).toEqual({ tail: { after: 0, to: 10, inclusive: true } });
    expect(cache.plan(2, 0, 10)).toEqual({});
  });
});
