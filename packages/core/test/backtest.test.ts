import { describe, expect, it } from 'vitest';
import { backtest, reduce, type RuleSpec } from '../src/index.ts';

const MIN = 60_000;
const rule = (over: Partial<RuleSpec> = {}): RuleSpec => ({
  name: 'High CPU',
  metric: 'cpu_usage',
  operator: '>',
  threshold: 90,
  forMs: 5 * MIN,
  severity: 'warning',
  reduce: 'last',
  windowMs: 5 * MIN,
  keepFiringForMs: 0,
  cooldownMs: 30 * MIN,
  noData: 'ok',
  annotations: {},
  ...over,
});

/** One point a minute: [minutes, value] runs, e.g. [[10, 50], [10, 95]] = ten minutes at 50, then ten at 95. */
function series(runs: [number, number][], labels: Record<string, string> = {}) {
  const points: { t: number; v: number }[] = [];
  let minute = 0;
  for (const [count, value] of runs) for (let i = 0; i < count; i++) points.push({ t: minute++ * MIN, v: value });
  return { labels, points, end: (minute - 1) * MIN };
}

describe('backtest', () => {
  it('finds the episodes of a series built by hand, with start, end and peak', () => {
    const s = series([
      [10, 50],
      [4, 95],
      [1, 97],
      [5, 92],
      [20, 50],
      [3, 99],
      [17, 50],
    ]);
    const result = backtest(rule(), [s], { from: 0, to: s.end, stepMs: 5_000 });
    // 10 min to 20 min above 90: pending at 10, fires at 15 (for 5m), resolved at 20.
    // The 3-minute spike at 40 min never lasts 5 minutes.
    expect(result.episodes).toEqual([{ labels: {}, start: 10 * MIN, firedAt: 15 * MIN, end: 20 * MIN, peak: 97 }]);
    expect(result.notifications).toBe(2); // new + resolved
  });

  it('counts repeats every cooldown and leaves an episode open at the end of the range', () => {
    const s = series([
      [5, 10],
      [120, 95],
    ]);
    const result = backtest(rule({ forMs: 0, cooldownMs: 30 * MIN }), [s], { from: 0, to: s.end, stepMs: 60_000 });
    expect(result.episodes).toEqual([{ labels: {}, start: 5 * MIN, firedAt: 5 * MIN, end: null, peak: 95 }]);
    expect(result.notifications).toBe(4); // new at 5, repeats at 35, 65, 95
  });

  it('replays each series on its own, and an aggregate as one', () => {
    const a = series([[10, 60]], { state: 'active' });
    const b = series(
      [
        [5, 10],
        [5, 30],
      ],
      { state: 'idle' },
    );
    const perSeries = backtest(rule({ threshold: 50, forMs: 0 }), [a, b], { from: 0, to: 9 * MIN, stepMs: MIN });
    expect(perSeries.episodes.map((e) => e.labels)).toEqual([{ state: 'active' }]);
    const summed = backtest(rule({ threshold: 80, forMs: 0, aggregate: 'sum' }), [a, b], { from: 0, to: 9 * MIN, stepMs: MIN });
    expect(summed.episodes).toEqual([{ labels: {}, start: 5 * MIN, firedAt: 5 * MIN, end: null, peak: 90 }]);
  });

  it('uses the rule’s reducer over its window', () => {
    // avg over 3 minutes crosses 90 only once three high points are in the window.
    const s = series([
      [5, 80],
      [6, 100],
      [5, 80],
    ]);
    const result = backtest(rule({ reduce: 'avg', windowMs: 3 * MIN - 1, forMs: 0 }), [s], { from: 0, to: s.end, stepMs: MIN });
    expect(result.episodes[0]).toMatchObject({ firedAt: 6 * MIN, end: 12 * MIN, peak: 100 });
  });

  it('keeps order statistics exact while the window slides', () => {
    // p95 (nearest rank) over 20 minutes with one spike: it is the p95 while the window holds fewer
    // than 20 points (rank = count), and stops being it at the 20th point, at minute 19.
    const s = series([
      [10, 10],
      [1, 99],
      [30, 20],
    ]);
    const rule95 = rule({ reduce: 'p95', windowMs: 20 * MIN - 1, forMs: 0, threshold: 90 });
    const result = backtest(rule95, [s], { from: 0, to: s.end, stepMs: MIN });
    expect(result.episodes).toEqual([{ labels: {}, start: 10 * MIN, firedAt: 10 * MIN, end: 19 * MIN, peak: 99 }]);
    // The same as reducing each window from scratch, minute by minute.
    for (let m = 0; m <= 40; m++) {
      const inWindow = s.points.filter((p) => p.t <= m * MIN && p.t >= m * MIN - (20 * MIN - 1));
      const fires = (reduce(inWindow, 'p95') ?? 0) > 90;
      expect(fires, `minute ${m}`).toBe(m >= 10 && m < 19);
    }
    const ruleMin = rule({ reduce: 'min', windowMs: 5 * MIN - 1, operator: '>', threshold: 15, forMs: 0 });
    // min over the last 5 points exceeds 15 once minute 10 (99) starts the window: minute 14.
    expect(backtest(ruleMin, [s], { from: 0, to: s.end, stepMs: MIN }).episodes[0]).toMatchObject({ firedAt: 14 * MIN, end: null });
  });

  it('counts failing locations for an N-of-M rule: one location alone opens no episode', () => {
    // probe_success per host (1 up, 0 down), one point a minute for 40 minutes:
    // minutes 5-14 only eu fails; minutes 20-29 eu and us fail together; ap never does.
    const down = (from: number, to: number) => (m: number) => (m >= from && m < to ? 0 : 1);
    const probe = (host: string, value: (m: number) => number) => ({
      labels: { probe: 'shop', host },
      points: Array.from({ length: 40 }, (_, m) => ({ t: m * MIN, v: value(m) })),
    });
    const eu = probe('eu', (m) => Math.min(down(5, 15)(m), down(20, 30)(m)));
    const us = probe('us', down(20, 30));
    const ap = probe('ap', () => 1);
    const twoOfThree = rule({ name: 'Shop down', metric: 'probe_success', operator: '<', threshold: 1, forMs: MIN, windowMs: 2 * MIN, cooldownMs: 0, locations: { minFailing: 2, by: 'host' } });
    const result = backtest(twoOfThree, [eu, us, ap], { from: 0, to: 39 * MIN, stepMs: MIN });
    // One alert for the probe (the host label dropped), from 20 to 30, at most 2 failing at once.
    expect(result.episodes).toEqual([{ labels: { probe: 'shop' }, start: 20 * MIN, firedAt: 21 * MIN, end: 30 * MIN, peak: 2 }]);
    expect(result.notifications).toBe(2);
    // The same rule without locations sees each host alone and also reports eu's own trouble.
    const { locations: _, ...perHost } = twoOfThree;
    expect(backtest(perHost, [eu, us, ap], { from: 0, to: 39 * MIN, stepMs: MIN }).episodes.map((e) => [e.labels.host, e.start / MIN])).toEqual([
      ['eu', 5],
      ['eu', 20],
      ['us', 20],
    ]);
    // 1-of-3 fires for eu's trouble alone too, grouped into the one probe alert.
    const oneOfThree = { ...twoOfThree, locations: { minFailing: 1, by: 'host' } };
    expect(backtest(oneOfThree, [eu, us, ap], { from: 0, to: 39 * MIN, stepMs: MIN }).episodes.map((e) => [e.start / MIN, e.end! / MIN, e.peak])).toEqual([
      [5, 15, 1],
      [20, 30, 2],
    ]);
  });
});
