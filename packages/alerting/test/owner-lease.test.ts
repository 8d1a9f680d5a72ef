import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, redisPrefix, waitFor } from '@vigia/testing';
import { OwnerLease } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('the lease that gives evaluation on arrival to one worker', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  it('is held by one holder at a time and passes to another when its holder stops', async () => {
    const key = redisKeys(prefix.prefix).alertingOwner;
    const log: string[] = [];
    const lease = (name: string) => new OwnerLease(redis, key, name, 600, async (owned) => void log.push(`${name} ${owned ? 'holds' : 'let go'}`), quiet);
    const a = lease('a');
    const b = lease('b');
    const c = lease('c');
    await a.start();
    await b.start();
    await c.start();
    expect([a.held, b.held, c.held]).toEqual([true, false, false]);
    // Several renewals later, still the first holder only.
    await new Promise((r) => setTimeout(r, 700));
    expect([a.held, b.held, c.held]).toEqual([true, false, false]);
    await a.stop();
    await waitFor(() => b.held || c.held, { what: 'another holder' });
    expect(b.held && c.held).toBe(false);
    // The waiting one stops first: stopped second, it would rightly take over from the holder.
    const [holder, waiting] = b.held ? [b, c] : [c, b];
    await waiting.stop();
    await holder.stop();
    expect(log[0]).toBe('a holds');
    expect(log[1]).toBe('a let go');
    expect(log.filter((l) => l.endsWith('holds'))).toHaveLength(2);
  });

  it('is taken over once a holder that stopped renewing (a crashed worker) lets it expire', async () => {
    const key = `${redisKeys(prefix.prefix).alertingOwner}:crash`;
    await redis.set(key, 'crashed-worker', 'PX', 300);
    const lease = new OwnerLease(redis, key, 'survivor', 600, async () => {}, quiet);
    await lease.start();
    expect(lease.held).toBe(false);
    await waitFor(() => lease.held, { what: 'the survivor to take the lease' });
    expect(await redis.get(key)).toBe('survivor');
    await lease.stop();
    expect(await redis.get(key)).toBeNull();
  });
});
