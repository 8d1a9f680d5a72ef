import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { SampleReader, openQueue, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { workerHarness, writePlugin, type WorkerHarness } from './harness.ts';

let harness: WorkerHarness | undefined;
const redis = new Redis(TEST_REDIS_URL);
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});
afterAll(() => redis.disconnect());

describe('collect ticks', () => {
  it('runs each tick once across workers, stamped with its planned time on the interval grid', async () => {
    const plugins = join(tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    // Slow on purpose, by a varying amount: a run's wall clock is not its tick. A random value
    // per run, so two runs of one tick would be two members of the live window, not one.
    writePlugin(
      plugins,
      'ticker',
      `export default { name: 'ticker', interval: '1s', collect: async () => { await new Promise((r) => setTimeout(r, Math.random() * 300)); return [{ name: 'tick_value', value: Math.random() }]; } };`,
    );
    harness = await workerHarness(`plugin_dirs: [${JSON.stringify(plugins)}]\ncollectors:\n  system: { enabled: false }\n`);
    await Promise.all([harness.start(), harness.start(), harness.start()]);
    const reader = new SampleReader(redis, redisKeys(harness.prefix));
    const samples = await waitFor(
      async () => {
        const points = await reader.window('tick_value', 0);
        return points.length >= 6 ? points : null;
      },
      { what: 'six tick_value samples' },
    );
    const stamps = samples.map((p) => p.t);
    expect(
      stamps.filter((t) => t % 1_000 !== 0),
      'samples off the 1 s grid',
    ).toEqual([]);
    expect(new Set(stamps).size, `two samples for one tick: ${stamps.join(',')}`).toBe(stamps.length);
    // Consecutive ticks: no worker skipped one because another held it.
    const sorted = [...stamps].sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).toBeLessThanOrEqual((sorted.length + 1) * 1_000);
  });

  it('removes the job schedulers an earlier Vigia ticked collectors and retention with, and the jobs they queued', async () => {
    harness = await workerHarness('collectors:\n  system: { enabled: false }\n', 'postgres', { VIGIA_HOSTNAME: 'omega' });
    const keys = redisKeys(harness.prefix);
    const queues = ['collect', 'collect-host.omega', 'maintenance'].map((name) => openQueue(name, redis, keys, () => {}));
    try {
      for (const queue of queues) await queue.upsertJobScheduler('collect:old', { every: 1_000 }, { name: 'collect', data: { collector: 'old' } });
      await waitFor(async () => Object.values(await queues[0]!.getJobCounts('delayed', 'wait')).some((n) => n > 0), { what: 'a job the old scheduler queued' });
      await harness.start();
      for (const queue of queues) {
        expect(await queue.getJobSchedulers(), queue.name).toEqual([]);
        expect(
          Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0),
          queue.name,
        ).toBe(0);
      }
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
  });
});
