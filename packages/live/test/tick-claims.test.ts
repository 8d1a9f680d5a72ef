import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, redisPrefix } from '@vigia/testing';
import { TickClaims, redisKeys } from '../src/index.ts';

const redis = new Redis(TEST_REDIS_URL);
const prefix = redisPrefix();
afterAll(async () => {
  await prefix.cleanup();
  redis.disconnect();
});

describe('tick claims', () => {
  it('give each tick of each task to exactly one of two workers claiming all at once', async () => {
    const keys = redisKeys(prefix.prefix);
    const a = new TickClaims(redis, keys, 'a');
    const b = new TickClaims(redis, keys, 'b');
    const tasks = Array.from({ length: 200 }, (_, i) => `probe:site-${i}@web-1`);
    const answers = await Promise.all(tasks.flatMap((task) => [a.claim(task, 10_000, 5_000), b.claim(task, 10_000, 5_000)]));
    for (let i = 0; i < tasks.length; i++) expect(Number(answers[2 * i]) + Number(answers[2 * i + 1]), tasks[i]).toBe(1);
    // Taken for this tick; the next tick is free again.
    expect(await a.claim(tasks[0]!, 10_000, 5_000)).toBe(false);
    expect(await b.claim(tasks[0]!, 20_000, 5_000)).toBe(true);
  });
});
