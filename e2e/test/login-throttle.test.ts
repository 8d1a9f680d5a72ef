import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '@vigia/api';
import { redisKeys } from '@vigia/live';
import { createLogger } from '@vigia/log';
import { TEST_REDIS_URL } from '@vigia/testing';
import { startStack, type Stack } from '../src/stack.ts';
import { trpcPost, type TrpcAnswer } from '../src/trpc-post.ts';

const login = (url: string, username: string, password: string, from?: string): Promise<TrpcAnswer> => trpcPost(url, 'auth.login', { username, password }, from ? { 'x-forwarded-for': from } : {});

/**
 * Wrong passwords until the limiter answers 429. Waits double with each failure past the free
 * ones, so a slow machine only delays the 429, it cannot avoid it; `max` stays below what a
 * limiter that forgets (or counts per process) would allow.
 */
async function failUntilThrottled(attempt: (i: number) => Promise<TrpcAnswer>, max: number): Promise<{ failures: number; throttled: TrpcAnswer }> {
  for (let i = 0; i < max; i++) {
    const answer = await attempt(i);
    if (answer.status === 429) return { failures: i, throttled: answer };
    expect(answer.status, `attempt ${i + 1}: ${answer.message}`).toBe(401);
  }
  throw new Error(`no 429 after ${max} wrong passwords`);
}

function expectClearThrottle(answer: TrpcAnswer): void {
  expect(answer.code).toBe('TOO_MANY_REQUESTS');
  expect(answer.message).toMatch(/too many failed logins.*try again in \d+ s \(after \d{4}-\d\d-\d\dT/);
}

describe('login throttling', () => {
  const stacks: Stack[] = [];
  let second: RunningApi | undefined;
  const start = async (env: Record<string, string> = {}) => {
    const stack = await startStack({ worker: false, env });
    stacks.push(stack);
    return stack;
  };
  afterEach(async () => {
    await second?.close();
    second = undefined;
  });
  afterAll(async () => {
    for (const stack of stacks) await stack.stop();
  });

  it('ignores X-Forwarded-For without VIGIA_TRUST_PROXY: 12 usernames from 12 forged addresses are throttled as one address', async () => {
    const stack = await start();
    const { failures, throttled } = await failUntilThrottled((i) => login(stack.url, `user${i}`, 'wrong-password', `203.0.113.${i + 1}`), 20);
    // The per-address limit (10 free failures across usernames) is what stops the spray.
    expect(failures).toBeGreaterThanOrEqual(10);
    expectClearThrottle(throttled);
    // Even the right password waits: the address is throttled, not the guesses.
    expect((await login(stack.url, 'admin', stack.adminPassword, '198.51.100.99')).status).toBe(429);
  });

  it('with VIGIA_TRUST_PROXY=127.0.0.1 throttles the forwarded address, and the owner elsewhere still logs in', async () => {
    const stack = await start({ VIGIA_TRUST_PROXY: '127.0.0.1' });
    const attacker = '198.51.100.7';
    const { failures, throttled } = await failUntilThrottled(() => login(stack.url, 'admin', 'guess', attacker), 9);
    expect(failures).toBeGreaterThanOrEqual(5);
    expectClearThrottle(throttled);
    // The attacker's address waits even with the right password…
    expect((await login(stack.url, 'admin', stack.adminPassword, attacker)).status).toBe(429);
    // …while the owner, from another address, logs in, and so does a client with no proxy in front.
    const owner = await login(stack.url, 'admin', stack.adminPassword, '192.0.2.10');
    expect(owner.status, owner.message).toBe(200);
    expect(owner.session).toBeTruthy();
    expect((await login(stack.url, 'admin', 'one-typo', undefined)).status).toBe(401);

    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = redisKeys(stack.prefix).loginFailures(`pair:${attacker}|admin`);
      expect(Number(await redis.hget(key, 'n'))).toBe(failures);
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('one address spraying usernames behind a trusted proxy is throttled, even after logging in to an account of its own; another address is not', async () => {
    const stack = await start({ VIGIA_TRUST_PROXY: '127.0.0.0/8' });
    const sprayer = '198.51.100.20';
    for (let i = 0; i < 9; i++) expect((await login(stack.url, `someone${i}`, 'wrong-password', sprayer)).status).toBe(401);
    // A success forgives that one username only, so it cannot be used to reset the count of the spray.
    expect((await login(stack.url, 'admin', stack.adminPassword, sprayer)).status).toBe(200);
    const { failures, throttled } = await failUntilThrottled((i) => login(stack.url, `other${i}`, 'wrong-password', sprayer), 9);
    expect(failures).toBeGreaterThanOrEqual(1);
    expectClearThrottle(throttled);
    expect((await login(stack.url, 'admin', stack.adminPassword, '198.51.100.21')).status).toBe(200);
  });

  it('counts failures across two API processes on the same Redis prefix', async () => {
    const stack = await start({ VIGIA_TRUST_PROXY: '127.0.0.1' });
    second = await startApi({ config: stack.config, store: stack.store, logger: createLogger('test', 'warn').child('api-2'), keyPrefix: stack.prefix, port: 0 });
    const urls = [stack.url, second.url];
    const attacker = '198.51.100.30';
    // Five failures, three on one process and two on the other: each alone saw fewer than the five free ones.
    for (let i = 0; i < 5; i++) expect((await login(urls[i % 2]!, 'admin', 'guess', attacker)).status).toBe(401);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.hget(redisKeys(stack.prefix).loginFailures(`pair:${attacker}|admin`), 'n')).toBe('5');
    } finally {
      redis.disconnect();
    }
    // Fewer than ten more tries in all: a limiter per process (five free each) would not throttle yet.
    const { throttled } = await failUntilThrottled((i) => login(urls[(i + 1) % 2]!, 'admin', 'guess', attacker), 4);
    expectClearThrottle(throttled);
    expect((await login(urls[0]!, 'admin', stack.adminPassword, attacker)).status).toBe(429);
    expect((await login(urls[1]!, 'admin', stack.adminPassword, attacker)).status).toBe(429);
  });
});
