import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, redisPrefix, waitFor } from '@vigia/testing';
import { VersionWatch } from '../src/index.ts';

describe('VersionWatch', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  it('acts on each number once at the start and once per move, and retries a failed reaction', async () => {
    const errors: Error[] = [];
    const watch = new VersionWatch(redis, (e) => errors.push(e), 50);
    const probes = `${prefix.prefix}:probes-version`;
    const slos = `${prefix.prefix}:slos-version`;
    let probeLoads = 0;
    let sloLoads = 0;
    let sloFails = 0;
    try {
      await watch.watch(probes, async () => void probeLoads++);
      await watch.watch(slos, async () => {
        if (sloFails > 0) {
          sloFails--;
          throw new Error('database away');
        }
        sloLoads++;
      });
      // Loaded before watch() returned, though neither number exists yet.
      expect([probeLoads, sloLoads]).toEqual([1, 1]);

      await redis.incr(probes);
      await waitFor(() => probeLoads === 2, { what: 'the probes reloaded after their number moved' });
      sloFails = 2;
      await redis.incr(slos);
      await waitFor(() => sloLoads === 2, { what: 'the SLOs reloaded once the reaction stopped failing' });
      expect(sloFails).toBe(0);
      // Several looks later, nothing moved: nothing reloads again.
      await new Promise((r) => setTimeout(r, 300));
      expect([probeLoads, sloLoads]).toEqual([2, 2]);
      expect(errors).toEqual([]);
    } finally {
      await watch.stop();
    }
  });
});
