import { describe, expect, it } from 'vitest';
import { computeUptime, dayStatus, uptimeBetween, type UptimeBucket } from '../src/index.ts';

const H = 3_600_000;
const M = 60_000;
const DAY = 86_400_000;
const hour = (start: number, sum: number, count: number): UptimeBucket => ({ start, widthMs: H, sum, count });
const minute = (start: number, sum: number, count: number): UptimeBucket => ({ start, widthMs: M, sum, count });

describe('uptimeBetween', () => {
  it('is the share of successful checks when every bucket is inside the window', () => {
    const now = 10 * H;
    const buckets = [hour(0, 60, 60), hour(H, 30, 60), hour(2 * H, 60, 60)];
    const u = uptimeBetween(buckets, 0, 3 * H, now);
    expect(u.ratio).toBeCloseTo(150 / 180);
    expect(u.coverage).toBe(1);
  });

  it('leaves gaps out: no data is neither up nor down, and coverage says how much there was', () => {
    const now = 4 * H;
    // Only the first and last hours have data; the probe was down in the last one.
    const u = uptimeBetween([hour(0, 60, 60), hour(3 * H, 0, 60)], 0, 4 * H, now);
    expect(u.ratio).toBeCloseTo(0.5);
    expect(u.coverage).toBeCloseTo(0.5);
    expect(uptimeBetween([], 0, 4 * H, now)).toEqual({ ratio: null, coverage: 0 });
  });

  it('counts a bucket cut by the window start for its share inside', () => {
    const now = 3 * H;
    // Window starts half-way into the first hour (all down) and covers the next (all up).
    const u = uptimeBetween([hour(0, 0, 60), hour(H, 60, 60)], H / 2, 2 * H, now);
    expect(u.ratio).toBeCloseTo(60 / 90);
    expect(u.coverage).toBeCloseTo(1);
  });

  it('weighs the bucket still filling by its elapsed time, not its full width', () => {
    const now = H + 15 * M;
    // The current hour has 15 minutes of samples, all down; the previous hour was up.
    const u = uptimeBetween([hour(0, 60, 60), hour(H, 0, 15)], 0, now, now);
    expect(u.ratio).toBeCloseTo(60 / 75);
    expect(u.coverage).toBe(1);
  });

  it('sums locations: one of two failing is half up', () => {
    const now = 2 * M;
    expect(uptimeBetween([minute(0, 6, 12), minute(M, 6, 12)], 0, now, now).ratio).toBeCloseTo(0.5);
  });
});

describe('computeUptime', () => {
  it('gives every window and 90 UTC days, today partial, days without data as none', () => {
    const today = 100 * DAY;
    const now = today + 6 * H;
    const coarse: UptimeBucket[] = [];
    // Yesterday: 23 hours up, one hour down. Today so far: up. Two days ago: nothing.
    for (let h = 0; h < 24; h++) coarse.push(hour(today - DAY + h * H, h === 5 ? 0 : 60, 60));
    for (let h = 0; h < 6; h++) coarse.push(hour(today + h * H, 60, 60));
    const fine = [minute(now - 10 * M, 0, 6), minute(now - 9 * M, 6, 6)];
    const u = computeUptime(fine, coarse, now);
    expect(u.days).toHaveLength(90);
    expect(u.days.at(-1)).toEqual({ day: new Date(today).toISOString().slice(0, 10), ratio: 1, status: 'up' });
    expect(u.days.at(-2)!.ratio).toBeCloseTo(23 / 24);
    expect(u.days.at(-2)!.status).toBe('partial');
    expect(u.days.at(-3)).toMatchObject({ ratio: null, status: 'none' });
    expect(u.windows['24h'].ratio).toBeCloseTo(0.5);
    expect(u.windows['7d'].ratio).toBeCloseTo((23 * 60 + 6 * 60) / (30 * 60));
    expect(u.windows['7d'].coverage).toBeCloseTo(30 / (7 * 24));
    expect(u.windows['90d'].ratio).toBe(u.windows['7d'].ratio);
  });

  it('classifies days by the usual thresholds', () => {
    expect([dayStatus(1), dayStatus(0.9995), dayStatus(0.98), dayStatus(0.5), dayStatus(null)]).toEqual(['up', 'up', 'partial', 'down', 'none']);
  });
});
