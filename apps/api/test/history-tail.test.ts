import { describe, expect, it } from 'vitest';
import { foldTail } from '../src/history-tail.ts';

describe('the live tail of a chart', () => {
  const samples = [
    { t: 10_000, v: 1 },
    { t: 11_000, v: 3 },
    { t: 21_000, v: 5 },
  ];

  it('keeps raw samples newer than the last stored one', () => {
    expect(foldTail(samples, 0, 10_000)).toEqual([
      { t: 11_000, v: 3 },
      { t: 21_000, v: 5 },
    ]);
    expect(foldTail(samples, 0, undefined)).toHaveLength(3);
  });

  it('averages into the history buckets, leaving the bucket history already holds', () => {
    expect(foldTail(samples, 10_000, undefined)).toEqual([
      { t: 10_000, v: 2, min: 1, max: 3 },
      { t: 20_000, v: 5, min: 5, max: 5 },
    ]);
    expect(foldTail(samples, 10_000, 10_000)).toEqual([{ t: 20_000, v: 5, min: 5, max: 5 }]);
  });
});
