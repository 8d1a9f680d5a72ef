import { describe, expect, it } from 'vitest';
import { pickLines } from '../src/lib/chart/top-lines.ts';

const line = (label: string, v: number) => ({ label, points: [{ t: 1, v }] });

describe('pickLines', () => {
  const lines = Array.from({ length: 50 }, (_, i) => line(`user=u${i}`, i));

  it('keeps the top lines by latest value, in their original order', () => {
    const picked = pickLines(lines, '', 20);
    expect(picked.shown.map((l) => l.label)).toEqual(lines.slice(30).map((l) => l.label));
    expect(picked).toMatchObject({ matching: 50, more: 30 });
  });

  it('filters by label before picking, case-insensitively', () => {
    const picked = pickLines(lines, 'U1', 20);
    expect(picked.shown.map((l) => l.label)).toEqual(['user=u1', ...Array.from({ length: 10 }, (_, i) => `user=u${10 + i}`)]);
    expect(picked).toMatchObject({ matching: 11, more: 0 });
  });

  it('leaves a few lines alone', () => {
    expect(pickLines(lines.slice(0, 3), '', 20)).toEqual({ shown: lines.slice(0, 3), matching: 3, more: 0 });
  });
});
