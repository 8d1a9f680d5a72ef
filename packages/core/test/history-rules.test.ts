import { describe, expect, it } from 'vitest';
import { backtestHistoryRule, baselineValue, linearFit, predictValue, reachesAt, robustBand, type RuleSpec } from '../src/index.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

const base: RuleSpec = {
  name: 'r',
  metric: 'm',
  operator: '>=',
  threshold: 100,
  forMs: 0,
  severity: 'warning',
  reduce: 'last',
  windowMs: MIN,
  keepFiringForMs: 0,
  cooldownMs: 0,
  noData: 'ok',
  annotations: {},
};

describe('linear forecast', () => {
  it('fits a line and says when it reaches a value, or that it does not', () => {
    const points = Array.from({ length: 60 }, (_, i) => ({ t: i * MIN, v: 70 + i / 60 }));
    const fit = linearFit(points)!;
    expect(fit.slope * HOUR).toBeCloseTo(1, 9);
    expect(reachesAt(fit, 100, 59 * MIN)! / HOUR).toBeCloseTo(30, 6);
    expect(reachesAt(fit, 0, 59 * MIN)).toBeNull();
  });

  it('a predict rule compares the value `within` ahead with the target and names the time', () => {
    const t0 = Date.UTC(2026, 0, 5);
    const minutes = Array.from({ length: 6 * 60 }, (_, i) => ({ t: t0 + i * MIN, v: 70 + i / 60 }));
    const rule = { ...base, predict: { overMs: 6 * HOUR, withinMs: 24 * HOUR, target: { value: 100 } } };
    const v = predictValue(rule, minutes, null, t0 + 6 * HOUR, 'disk');
    // A minute's mean stands for its middle: half a minute of slope off the sampled line.
    expect(v.value).toBeCloseTo(100, 1);
    expect(v.reachesAt! - t0).toBeCloseTo(30 * HOUR, -5);
    expect(v.summary).toContain('predicted to reach 100 at 2026-01-06 06:00 UTC');
    // A metric as target: its value is the threshold.
    const other = predictValue({ ...rule, predict: { ...rule.predict, target: { metric: 'max' } } }, minutes, 120, t0 + 6 * HOUR, 'conns');
    expect(other.threshold).toBe(120);
    expect(predictValue(rule, minutes.slice(0, 10), null, t0 + 6 * HOUR, 'disk').value).toBeNull();
  });
});

describe('baseline band', () => {
  it('median and MAD ignore one odd value', () => {
    const usual = robustBand([100, 104, 98, 102], 3, 0)!;
    const odd = robustBand([100, 104, 98, 400], 3, 0)!;
    expect(usual.median).toBe(101);
    expect(odd.median).toBe(102);
    expect(odd.upper).toBeLessThan(130);
  });

  it('holds when the value leaves the band, with band and actual in the words', () => {
    const now = 5 * WEEK + 15 * HOUR;
    const minutes: { t: number; v: number }[] = [];
    for (let k = 5; k >= 0; k--) for (let m = 30; m > 0; m--) minutes.push({ t: now - k * WEEK - m * MIN, v: k === 0 ? 500 : 1000 + k * 10 });
    const rule = { ...base, operator: '<' as const, threshold: -3, baseline: { weeks: 4, windowMs: 15 * MIN, factor: 3, direction: 'below' as const, minSpreadRatio: 0.05 } };
    const v = baselineValue(rule, minutes, now, 'orders');
    expect(v.actual).toBe(500);
    expect(v.value!).toBeLessThan(-3);
    expect(v.summary).toContain('below the usual');
    const result = backtestHistoryRule(rule, [{ labels: {}, minutes }], { from: now - 10 * MIN, to: now, stepMs: MIN });
    expect(result.episodes).toHaveLength(1);
  });

  it('prints a value just past the band with enough digits to tell it from the bound', () => {
    const now = 5 * WEEK;
    const minutes: { t: number; v: number }[] = [];
    // Past weeks: 1000 (spread: the 5 % floor, 50; lower bound 850); now 849.7, which rounds to 850.
    for (let k = 4; k >= 1; k--) for (let m = 10; m > 0; m--) minutes.push({ t: now - k * WEEK - m * MIN, v: 1000 });
    for (let m = 10; m > 0; m--) minutes.push({ t: now - m * MIN, v: 849.7 });
    const rule = { ...base, operator: '<' as const, threshold: -3, baseline: { weeks: 4, windowMs: 10 * MIN, factor: 3, direction: 'below' as const, minSpreadRatio: 0.05 } };
    const v = baselineValue(rule, minutes, now, 'orders');
    expect(v.summary).toContain('is 849.7 over the last 10m, below the usual 850–1150 for this time of week (median 1000');
  });

  it('with direction both, the words say above or below, also back inside the band', () => {
    const now = 5 * WEEK + 15 * HOUR;
    const at = (value: number) => {
      const minutes: { t: number; v: number }[] = [];
      for (let k = 5; k >= 0; k--) for (let m = 30; m > 0; m--) minutes.push({ t: now - k * WEEK - m * MIN, v: k === 0 ? value : 1000 + k * 10 });
      const rule = { ...base, operator: '>' as const, threshold: 3, baseline: { weeks: 4, windowMs: 15 * MIN, factor: 3, direction: 'both' as const, minSpreadRatio: 0.05 } };
      return baselineValue(rule, minutes, now, 'orders');
    };
    const high = at(2000);
    expect(high.value!).toBeGreaterThan(3);
    expect(high.summary).toContain('orders is 2000 over the last 15m, above the usual');
    const low = at(500);
    expect(low.value!).toBeGreaterThan(3);
    expect(low.summary).toContain('orders is 500 over the last 15m, below the usual');
    expect(at(1000).summary).toContain('below the median but within the usual');
  });

  it('clear_factor holds the alert until the value is back within that many spreads', () => {
    const now = 5 * WEEK;
    const minutes: { t: number; v: number }[] = [];
    // Every past week 1000 at this time (spread: the 5 % floor, 50); now 500, then 900, then 1000.
    for (let k = 4; k >= 1; k--) for (let m = -90; m < 90; m++) minutes.push({ t: now - k * WEEK + m * MIN, v: 1000 });
    for (let m = 0; m < 90; m++) minutes.push({ t: now + m * MIN, v: m < 30 ? 500 : m < 60 ? 900 : 1000 });
    const spec = { weeks: 4, windowMs: 10 * MIN, factor: 3, direction: 'below' as const, minSpreadRatio: 0.05 };
    const run = (clearThreshold?: number) =>
      backtestHistoryRule({ ...base, operator: '<', threshold: -3, clearThreshold, baseline: spec }, [{ labels: {}, minutes }], { from: now, to: now + 89 * MIN, stepMs: MIN }).episodes;
    // 900 is 2 spreads below: inside the band, so without hysteresis it resolves once the window is all 900s.
    expect(run()[0]!.end! - now).toBeLessThanOrEqual(41 * MIN);
    // With clear_factor 1 it holds until 1000 (0 spreads) fills the window.
    expect(run(-1)[0]!.end! - now).toBeGreaterThan(60 * MIN);
  });
});
