import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatRate, formatTick } from '../src/lib/format/units.ts';
import { parseRange } from '../src/lib/history/ranges.ts';

describe('units for people', () => {
  it('sizes bytes with binary prefixes and at most three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(25 * 1024 ** 3)).toBe('25.0 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
    expect(formatBytes(null)).toBe('–');
  });

  it('formats rates, percentages and axis ticks', () => {
    expect(formatRate(2048)).toBe('2.00 KiB/s');
    expect(formatPercent(12.345)).toBe('12.3 %');
    expect(formatPercent(100)).toBe('100 %');
    expect(formatPercent(Number.NaN)).toBe('–');
    expect(formatTick(80, '%')).toBe('80 %');
    expect(formatTick(0.125, null)).toBe('0.13');
  });

  it('keeps the two largest units of a duration', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3 * 86_400 + 4 * 3_600 + 59)).toBe('3 d 4 h');
    expect(formatDuration(3_600 + 5)).toBe('1 h');
    expect(formatDuration(0)).toBe('0 s');
  });
});

describe('ranges in the URL', () => {
  it('reads known keys and falls back to 15 minutes otherwise', () => {
    expect(parseRange('1h').ms).toBe(3_600_000);
    expect(parseRange('nonsense').key).toBe('15m');
    expect(parseRange(null).key).toBe('15m');
  });
});
