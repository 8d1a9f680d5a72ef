import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ConfigError } from '@vigia/config';
import { CollectorHealthBoard, SampleReader, redisKeys } from '@vigia/live';
import { HistoryStore, RejectionCounters } from '@vigia/db';
import { TEST_REDIS_URL, STORE_KINDS, waitFor } from '@vigia/testing';
import { workerHarness, writePlugin, type WorkerHarness } from './harness.ts';

let harness: WorkerHarness | undefined;
const redis = new Redis(TEST_REDIS_URL);
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

describe.each(STORE_KINDS)('worker with %s history', (kind) => {
  it('collects host metrics on schedule into Redis and history', async () => {
    harness = await workerHarness('collectors:\n  system:\n    interval: 1s\n', kind);
    await harness.start();
    const keys = redisKeys(harness.prefix);
    const reader = new SampleReader(redis, keys);
    const cpu = await waitFor(async () => (await reader.current({ name: 'cpu_usage' }))[0], { what: 'cpu_usage in Redis' });
    expect(cpu.value).toBeGreaterThanOrEqual(0);
    // Host metrics say which machine they measured (this one: nothing sets VIGIA_HOSTNAME here).
    const host = harness.config.collection.host;
    expect(cpu.labels).toEqual({ host });
    expect((await reader.current({ name: 'disk_usage' })).some((s) => s.labels.mount === '/')).toBe(true);
    const history = new HistoryStore(harness.database.store.sql);
    const points = await waitFor(
      async () => {
        const [series] = await history.range('cpu_usage', undefined, 0, Date.now() + 1000, { resolution: 'raw', bucketMs: 0 });
        return series && series.points.length >= 2 ? series.points : null;
      },
      { what: 'two cpu samples in history' },
    );
    expect(points[1]!.t).toBeGreaterThan(points[0]!.t);
    const health = await new CollectorHealthBoard(redis, keys).get(`system@${host}`);
    expect(health).toMatchObject({ status: 'ok', intervalMs: 1000 });
    expect((await new CollectorHealthBoard(redis, keys).info())[`system@${host}`]).toMatchObject({ cpuCores: expect.any(Number) });
  });
});

describe('drop-in plugins', () => {
  it('runs a plain JavaScript plugin folder and isolates broken ones', async () => {
    const plugins = join((await import('node:os')).tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    writePlugin(plugins, 'good', `export default { name: 'good', interval: '1s', collect: () => [{ name: 'good_value', value: 42, labels: { from: 'drop-in' } }] };`);
    writePlugin(plugins, 'thrower', `export default { name: 'thrower', collect() { throw new Error('boom'); } };`);
    writePlugin(plugins, 'hanger', `export default () => ({ name: 'hanger', collect: () => new Promise(() => {}) });`);
    writePlugin(plugins, 'bad-load', `throw new Error('cannot load me');`);
    writePlugin(plugins, 'no-name', `export default { collect: () => [] };`);
    writePlugin(plugins, 'half-bad', `export default { name: 'halfbad', collect: () => [{ name: 'ok_metric', value: 1 }, { name: 'bad metric', value: 1 }, { name: 'nan_metric', value: NaN }] };`);
    harness = await workerHarness(
      `plugin_dirs: [${JSON.stringify(plugins)}]\ncollectors:\n  system: { enabled: false }\n  good: { interval: 1s }\n  thrower: { interval: 1s }\n  hanger: { interval: 1s, timeout: 300ms }\n  halfbad: { interval: 1s }\n`,
    );
    const worker = await harness.start();
    expect([...worker.runners.keys()]).toEqual(expect.arrayContaining(['good', 'halfbad', 'hanger', 'thrower']));
    expect(worker.runners.has('system')).toBe(false);
    const ours = worker.plugins.failures.filter((f) => f.source.startsWith(plugins));
    expect(ours.map((f) => f.source.split('/').pop()).sort()).toEqual(['bad-load', 'no-name']);
    expect(ours.find((f) => f.source.endsWith('bad-load'))!.error).toContain('cannot load me');

    const keys = redisKeys(harness.prefix);
    const board = new CollectorHealthBoard(redis, keys);
    const reader = new SampleReader(redis, keys);
    await waitFor(async () => (await reader.current({ name: 'good_value' }))[0]?.labels.from === 'drop-in', { what: 'good plugin sample' });
    const [thrower, hanger] = await waitFor(
      async () => {
        const t = await board.get('thrower');
        const h = await board.get('hanger');
        return t && h && t.errorsTotal >= 2 && h.errorsTotal >= 2 ? [t, h] : null;
      },
      { what: 'two failed runs of each broken collector' },
    );
    expect(thrower).toMatchObject({ status: 'error', lastError: 'boom' });
    expect(hanger).toMatchObject({ status: 'error', lastError: 'timed out after 300 ms' });
    // The good one kept running while the others failed.
    const good = await board.get('good');
    expect(good).toMatchObject({ status: 'ok', errorsTotal: 0 });
    expect(good!.runsTotal).toBeGreaterThanOrEqual(2);
    // Invalid samples are dropped and counted; the valid one next to them is kept.
    await waitFor(async () => (await reader.current({ name: 'ok_metric' })).length === 1, { what: 'valid sample of halfbad' });
    const rejections = new RejectionCounters(harness.database.store.sql);
    await waitFor(async () => ((await rejections.totals()).get('invalid_sample') ?? 0) >= 2, { what: 'the invalid samples counted' });
    await rejections.stop();
    expect(await reader.current({ name: 'nan_metric' })).toEqual([]);
  });

  it('stops the start when a plugin setting does not fit its schema, naming the key', async () => {
    harness = await workerHarness('collectors:\n  system:\n    exclude_mounts: "/"\n');
    const error = await harness.start().catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(/^collectors\.system\.exclude_mounts: /);
  });

  it('refuses two plugins with one name', async () => {
    const plugins = join((await import('node:os')).tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    writePlugin(plugins, 'a', `export default { name: 'twin', collect: () => [] };`);
    writePlugin(plugins, 'b', `export default { name: 'twin', collect: () => [] };`);
    harness = await workerHarness(`plugin_dirs: [${JSON.stringify(plugins)}]\n`);
    await expect(harness.start()).rejects.toThrow(/two collector plugins are named "twin"/);
  });
});

describe('several workers', () => {
  it('run each scheduled collection once per tick', async () => {
    const plugins = join((await import('node:os')).tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    writePlugin(plugins, 'ticker', `let n = 0; export default { name: 'ticker', collect: () => [{ name: 'ticker_runs', value: ++n }] };`);
    harness = await workerHarness(`plugin_dirs: [${JSON.stringify(plugins)}]\ncollectors:\n  system: { enabled: false }\n  ticker: { interval: 1s }\n`);
    await Promise.all([harness.start(), harness.start(), harness.start()]);
    const board = new CollectorHealthBoard(redis, redisKeys(harness.prefix));
    const first = await waitFor(() => board.get('ticker'), { what: 'first tick' });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 6_000));
    const last = (await board.get('ticker'))!;
    const seconds = (Date.now() - started) / 1000;
    // Three workers that each ran every tick would make ~3 runs per second.
    expect(last.runsTotal - first.runsTotal).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(last.runsTotal - first.runsTotal).toBeGreaterThanOrEqual(1);
  });
});
