import { beforeEach, describe, expect, it, vi } from 'vitest';

const history = vi.fn();
vi.mock('../src/lib/trpc.ts', () => ({
  trpc: { metrics: { history: { query: (input: unknown) => history(input) } } },
  errorCode: (e: { code?: string }) => e.code,
  errorMessage: (e: Error) => e.message,
}));

const { MetricHistory } = await import('../src/lib/history/metric-history.svelte.ts');
const { parseRange } = await import('../src/lib/history/ranges.ts');

const now = Date.now();
const live = (key: string) => ({ kind: 'live' as const, range: parseRange(key) });
const series = (points: { t: number; v: number }[], labels: Record<string, string> = {}) => ({ name: 'cpu_usage', labels, unit: '%', points });

describe('MetricHistory', () => {
  beforeEach(() => history.mockReset());

  it('appends raw live samples after the history and skips replays', async () => {
    history.mockResolvedValue({
      bucketMs: 0,
      series: [
        series([
          { t: now - 2000, v: 1 },
          { t: now - 1000, v: 2 },
        ]),
      ],
    });
    const h = new MetricHistory('cpu_usage');
    await h.load(live('15m'), 500);
    h.push({}, now - 1000, 2); // replayed after a reconnect
    h.push({}, now, 3);
    expect(h.lines[0]!.points.map((p) => p.v)).toEqual([1, 2, 3]);
    expect(h.unit).toBe('%');
  });

  it('keeps samples that arrive while history loads', async () => {
    let resolve!: (v: unknown) => void;
    history.mockReturnValue(new Promise((r) => (resolve = r)));
    const h = new MetricHistory('cpu_usage');
    const loading = h.load(live('15m'), 500);
    h.push({}, now - 1000, 9); // already in the history
    h.push({}, now, 10);
    resolve({ bucketMs: 0, series: [series([{ t: now - 1000, v: 9 }])] });
    await loading;
    expect(h.lines[0]!.points).toEqual([
      { t: now - 1000, v: 9 },
      { t: now, v: 10 },
    ]);
  });

  it('folds live samples into buckets as wide as the history’s', async () => {
    const bucket = 5_000;
    const start = Math.floor(now / bucket) * bucket - bucket;
    history.mockResolvedValue({ bucketMs: bucket, series: [series([{ t: start - bucket, v: 10 }])] });
    const h = new MetricHistory('cpu_usage');
    await h.load(live('1h'), 720);
    h.push({}, start + 1_000, 20);
    h.push({}, start + 2_000, 40);
    h.push({}, start + bucket, 7);
    expect(h.lines[0]!.points).toEqual([
      { t: start - bucket, v: 10 },
      { t: start, v: 30 },
      { t: start + bucket, v: 7 },
    ]);
  });

  it('keeps one line per series and starts a line for a series first seen live', async () => {
    history.mockResolvedValue({ bucketMs: 0, series: [series([{ t: now - 1000, v: 50 }], { mount: '/' })] });
    const h = new MetricHistory('disk_usage');
    await h.load(live('15m'), 500);
    h.push({ mount: '/' }, now, 51);
    h.push({ mount: '/data' }, now, 70);
    expect(h.lines.map((l) => [l.key, l.points.length])).toEqual([
      ['disk_usage{mount=/}', 2],
      ['disk_usage{mount=/data}', 1],
    ]);
  });

  it('ignores live samples for a window in the past, and those of other series when filtered', async () => {
    history.mockResolvedValue({ bucketMs: 0, series: [series([{ t: now - 60_000, v: 1 }], { host: 'a' })] });
    const fixed = new MetricHistory('x');
    await fixed.load({ kind: 'fixed', from: now - 120_000, to: now - 30_000 }, 500);
    fixed.push({ host: 'a' }, now, 2);
    expect(fixed.lines[0]!.points).toHaveLength(1);
    const filtered = new MetricHistory('x', { host: 'a' });
    await filtered.load(live('15m'), 500);
    filtered.push({ host: 'b' }, now, 5);
    expect(filtered.lines).toHaveLength(1);
  });

  it('treats an unknown metric as empty, other failures as errors', async () => {
    history.mockRejectedValueOnce(Object.assign(new Error('no metric named cpu_usage'), { code: 'NOT_FOUND' }));
    const h = new MetricHistory('cpu_usage');
    await h.load(live('15m'), 500);
    expect([h.status, h.lines.length]).toEqual(['ready', 0]);
    history.mockRejectedValueOnce(new Error('boom'));
    await h.load(live('15m'), 500);
    expect([h.status, h.error]).toEqual(['error', 'boom']);
  });
});
