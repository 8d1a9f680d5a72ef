import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { QUEUES, SampleReader, openQueue, redisKeys, type CollectPayload } from '@vigia/live';
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
  it('stamps every sample with its planned tick, on the interval grid, moving an off-grid scheduler onto it', async () => {
    const plugins = join(tmpdir(), `vigia-plugins-${Math.random().toString(36).slice(2)}`);
    // Slow on purpose, by a varying amount: a run's wall clock is not its tick.
    writePlugin(plugins, 'ticker', `export default { name: 'ticker', interval: '1s', collect: async () => { await new Promise((r) => setTimeout(r, Math.random() * 300)); return [{ name: 'tick_value', value: 1 }]; } };`);
    harness = await workerHarness(`plugin_dirs: [${JSON.stringify(plugins)}]\ncollectors:\n  system: { enabled: false }\n`);
    const keys = redisKeys(harness.prefix);
    const queue = openQueue<CollectPayload>(QUEUES.collect.name, redis, keys, () => {});
    try {
      // What an older Vigia left: `every` counted from the moment it was created, off the grid.
      await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 337));
      await queue.upsertJobScheduler('collect:ticker', { every: 1_000 }, { name: 'collect', data: { collector: 'ticker' }, opts: QUEUES.collect.jobOptions });
      const before = await queue.getJobScheduler('collect:ticker');
      expect(before!.next! % 1_000).not.toBe(0);

      await harness.start();
      const scheduler = await queue.getJobScheduler('collect:ticker');
      expect(scheduler!.next! % 1_000, JSON.stringify(scheduler)).toBe(0);

      const reader = new SampleReader(redis, keys);
      const samples = await waitFor(async () => {
        const points = await reader.window('tick_value', 0);
        return points.length >= 5 ? points : null;
      }, { what: 'five tick_value samples' });
      // The run that wrote the newest sample may still be active.
      const jobs = await queue.getJobs(['completed', 'active']);
      const planned = jobs.flatMap((job) => /^repeat:collect:ticker:(\d+)$/.exec(job.id!)?.slice(1).map(Number) ?? []);
      const stamps = samples.map((p) => p.t);
      expect(stamps.filter((t) => t % 1_000 !== 0), 'samples off the 1 s grid').toEqual([]);
      expect(new Set(stamps).size, 'two samples for one tick').toBe(stamps.length);
      // Each sample is the tick of a collect job that ran, never the clock of its run.
      expect(stamps.filter((t) => !planned.includes(t)), `samples of no tick; ticks run: ${planned.join(',')}`).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
