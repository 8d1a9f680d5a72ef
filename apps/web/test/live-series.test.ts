import { beforeEach, describe, expect, it, vi } from 'vitest';

const history = vi.fn();
vi.mock('../src/lib/trpc.ts', () => ({
  trpc: { metrics: { history: { query: (input: unknown) => history(input) } } },
  errorCode: (e: { code?: string }) => e.code,
  errorMessage: (e: Error) => e.message,
}));

const { LiveSeries } = await import('../src/lib/history/live-series.svelte.ts');
const { parseRange } = await import('../src/lib/history/ranges.ts');

const now = Date.now();

describe('LiveSeries', () => {
  beforeEach(() => history.mockReset());

  it('appends raw live samples after the history and skips replays', async () => {
    history.mockResolvedValue({ bucketMs: 0, series: [{ unit: '%', points: [{ t: now - 2000, v: 1 }, { t: now - 1000, v: 2 }] }] });
    const s = new LiveSeries('cpu_usage');
    await s.load(parseRange('15m'), 500);
    s.push(now - 1000, 2); // replayed after a reconnect
    s.push(now, 3);
    expect(s.points.map((p) => p.v)).toEqual([1, 2, 3]);
    expect(s.unit).toBe('%');
  });

  it('keeps samples that arrive while history loads', async () => {
    let resolve!: (v: unknown) => void;
    history.mockReturnValue(new Promise((r) => (resolve = r)));
    const s = new LiveSeries('cpu_usage');
    const loading = s.load(parseRange('15m'), 500);
    s.push(now - 1000, 9); // already in the history
    s.push(now, 10);
    resolve({ bucketMs: 0, series: [{ unit: '%', points: [{ t: now - 1000, v: 9 }] }] });
    await loading;
    expect(s.points).toEqual([{ t: now - 1000, v: 9 }, { t: now, v: 10 }]);
  });

  it('folds live samples into buckets as wide as the history’s', async () => {
    const bucket = 5_000;
    const start = Math.floor(now / bucket) * bucket - bucket;
    history.mockResolvedValue({ bucketMs: bucket, series: [{ unit: '%', points: [{ t: start - bucket, v: 10 }] }] });
    const s = new LiveSeries('cpu_usage');
    await s.load(parseRange('1h'), 720);
    s.push(start + 1_000, 20);
    s.push(start + 2_000, 40);
    s.push(start + bucket, 7);
    expect(s.points).toEqual([
      { t: start - bucket, v: 10 },
      { t: start, v: 30 },
      { t: start + bucket, v: 7 },
    ]);
  });

  it('treats an unknown metric as empty, other failures as errors', async () => {
    history.mockRejectedValueOnce(Object.assign(new Error('no metric named cpu_usage'), { code: 'NOT_FOUND' }));
    const s = new LiveSeries('cpu_usage');
    await s.load(parseRange('15m'), 500);
    expect([s.status, s.points.length]).toEqual(['ready', 0]);
    history.mockRejectedValueOnce(new Error('boom'));
    await s.load(parseRange('15m'), 500);
    expect([s.status, s.error]).toEqual(['error', 'boom']);
  });
});
