import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CollectorHealthBoard, SampleReader, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { workerHarness, writePlugin, type WorkerHarness } from './harness.ts';

let harness: WorkerHarness | undefined;
const redis = new Redis(TEST_REDIS_URL);
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});
afterAll(() => redis.disconnect());

const SYSTEM_EVERY_SECOND = 'collectors:\n  system:\n    interval: 1s\n';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('host-scoped collection', () => {
  it('gives every worker machine its own series, health and facts, and drops the entry from before', async () => {
    harness = await workerHarness(SYSTEM_EVERY_SECOND);
    const keys = redisKeys(harness.prefix);
    const board = new CollectorHealthBoard(redis, keys);
    // What a worker from before host scoping left: the system collector's health under the bare name.
    await board.record('system', 1_000, { ok: true, durationMs: 1, samples: 1, at: Date.now() - 3_600_000 });
    await board.publishInfo('system', { hostname: 'old' });

    await Promise.all([harness.start({ VIGIA_HOSTNAME: 'alpha' }), harness.start({ VIGIA_HOSTNAME: 'beta' })]);

    const reader = new SampleReader(redis, keys);
    const cpu = await waitFor(
      async () => {
        const all = await reader.current({ name: 'cpu_usage' });
        return all.length >= 2 ? all : null;
      },
      { what: 'cpu_usage of both hosts' },
    );
    expect(cpu.map((s) => s.labels).sort((a, b) => a.host!.localeCompare(b.host!))).toEqual([{ host: 'alpha' }, { host: 'beta' }]);
    expect(cpu.map((s) => s.key).sort()).toEqual(['cpu_usage{host="alpha"}', 'cpu_usage{host="beta"}']);
    // Every series of the collector is labelled, the per-mount ones included.
    const disks = await reader.current({ name: 'disk_usage' });
    expect(new Set(disks.map((s) => s.labels.host))).toEqual(new Set(['alpha', 'beta']));
    expect(disks.every((s) => s.labels.mount !== undefined)).toBe(true);

    // Both machines keep collecting, each at about one sample a second.
    const from = Date.now();
    await sleep(4_000);
    const to = Date.now();
    for (const host of ['alpha', 'beta']) {
      const n = await redis.zcount(keys.window(`cpu_usage{host="${host}"}`), from, to);
      expect(n, host).toBeGreaterThanOrEqual(2);
      expect(n, host).toBeLessThanOrEqual(Math.ceil((to - from) / 1000) + 1);
    }

    const health = (await board.list()).filter((h) => h.name.startsWith('system'));
    expect(health.map((h) => h.name)).toEqual(['system@alpha', 'system@beta']);
    for (const h of health) expect(h).toMatchObject({ status: 'ok', intervalMs: 1000, errorsTotal: 0 });
    const info = await board.info();
    expect(
      Object.keys(info)
        .filter((k) => k.startsWith('system'))
        .sort(),
    ).toEqual(['system@alpha', 'system@beta']);
    expect(info['system@alpha']).toMatchObject({ cpuCores: expect.any(Number) });
  });

  it('collects once per tick on a host however many workers share it', async () => {
    harness = await workerHarness(SYSTEM_EVERY_SECOND, 'postgres', { VIGIA_HOSTNAME: 'gamma' });
    await Promise.all([harness.start(), harness.start()]);
    const keys = redisKeys(harness.prefix);
    const board = new CollectorHealthBoard(redis, keys);
    const first = await waitFor(() => board.get('system@gamma'), { what: 'the first tick on gamma' });
    const from = Date.now();
    await sleep(6_000);
    const to = Date.now();
    const last = (await board.get('system@gamma'))!;
    const seconds = (to - from) / 1000;
    // Two workers that each ran every tick would make ~2 runs and 2 samples per second.
    expect(last.runsTotal - first.runsTotal).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(last.runsTotal - first.runsTotal).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    const window = (await redis.zrangebyscore(keys.window('cpu_usage{host="gamma"}'), from, to, 'WITHSCORES')).filter((_, i) => i % 2 === 1).map(Number);
    expect(window.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    // No two samples in one tick.
    expect(new Set(window.map((t) => Math.floor(t / 1000))).size).toBe(window.length);
    expect((await new SampleReader(redis, keys).current({ name: 'cpu_usage' })).map((s) => s.key)).toEqual(['cpu_usage{host="gamma"}']);
  });

  it('keeps a host label the collector set itself', async () => {
    const plugins = join(tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    // Not "probe": that is the name of the bundled probe collector.
    writePlugin(
      plugins,
      'router',
      `export default { name: 'router', scope: 'host', interval: '1s', collect: () => [{ name: 'probe_value', value: 1 }, { name: 'probe_value', value: 2, labels: { host: 'router-7' } }] };`,
    );
    writePlugin(plugins, 'typo', `export default { name: 'typo', scope: 'hosts', collect: () => [] };`);
    harness = await workerHarness(`plugin_dirs: [${JSON.stringify(plugins)}]\ncollectors:\n  system: { enabled: false }\n`, 'postgres', { VIGIA_HOSTNAME: 'delta' });
    const worker = await harness.start();
    // A misspelt scope is refused rather than read as `shared`.
    expect(worker.plugins.failures.find((f) => f.source.endsWith('typo'))?.error).toBe('collector "typo" has scope "hosts" (use "shared" or "host")');
    const keys = redisKeys(harness.prefix);
    const reader = new SampleReader(redis, keys);
    const samples = await waitFor(
      async () => {
        const all = await reader.current({ name: 'probe_value' });
        return all.length === 2 ? all : null;
      },
      { what: 'both probe samples' },
    );
    expect(Object.fromEntries(samples.map((s) => [s.labels.host, s.value]))).toEqual({ delta: 1, 'router-7': 2 });
    expect(await new CollectorHealthBoard(redis, keys).get('router@delta')).toMatchObject({ status: 'ok' });
  });
});
