import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import apiCollector, { keysOf } from '@vigia/collector-api';
import { runCollectorOnce, type CollectorRunResult } from '@vigia/plugin-sdk';
import { redisPrefix, TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { expressMiddleware, instrumentNodeHttp, registerFastify, type FastifyLike, type RedisLike } from '../src/index.ts';

const valueOf = (r: CollectorRunResult, name: string) => r.samples.find((s) => s.name === name)?.value;

/** Routes: `/slow` answers after 200 ms, `/fail` with a 500, anything else at once with a 200. */
function app(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/fail') {
    res.statusCode = 500;
    res.end('boom');
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('late'), 200);
  } else {
    res.end('ok');
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** Nearest-rank percentile, written independently of the collector's. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

describe('@vigia/instrument with the api collector', () => {
  let space: { prefix: string; cleanup(): Promise<void> };
  let redis: Redis;
  let prefix: string;
  let n = 0;

  beforeAll(() => {
    space = redisPrefix();
    redis = new Redis(TEST_REDIS_URL);
  });

  beforeEach(() => {
    prefix = `${space.prefix}:${n++}:mcp:`;
  });

  afterAll(async () => {
    redis.disconnect();
    await space.cleanup();
  });

  it('records node:http traffic that the api collector turns into rates, error % and p95', async () => {
    const server = createServer(instrumentNodeHttp(app, { redis, prefix }));
    const base = await listen(server);
    const collector = apiCollector();
    const config = { url: TEST_REDIS_URL, prefix };
    const keys = keysOf(prefix);
    try {
      const started = performance.now();
      await runCollectorOnce(collector, { config, keepOpen: true });
      const gapFrom = performance.now();

      const paths = [...Array(84).fill('/'), ...Array(6).fill('/slow'), ...Array(10).fill('/fail')];
      const statuses = await Promise.all(paths.map((p) => get(`${base}${p}`)));
      expect(statuses.filter((s) => s === 500)).toHaveLength(10);
      // Recording is fire-and-forget: wait until all of it reached Redis.
      await waitFor(async () => (await redis.llen(keys.responseTimes)) === 100, { what: '100 response times' });
      const pushed = (await redis.lrange(keys.responseTimes, 0, -1)).map(Number);

      const gapTo = performance.now();
      const result = await runCollectorOnce(collector, { config, keepOpen: true });
      const ended = performance.now();

      expect(result.invalid).toEqual([]);
      expect(valueOf(result, 'api_requests_total')).toBe(100);
      expect(valueOf(result, 'api_errors_total')).toBe(10);
      expect(valueOf(result, 'api_error_rate')).toBe(10);
      const rate = valueOf(result, 'api_request_rate')!;
      expect(rate).toBeGreaterThanOrEqual(100 / ((ended - started) / 1000) - 0.01);
      expect(rate).toBeLessThanOrEqual(100 / ((gapTo - gapFrom) / 1000) + 0.01);

      expect(valueOf(result, 'api_response_times_consumed')).toBe(100);
      const p95 = valueOf(result, 'api_response_time_p95')!;
      expect(p95).toBe(nearestRank(pushed, 95));
      // The 6 slow requests are the slowest 6 %, so the 95th percentile is one of them.
      expect(p95).toBeGreaterThanOrEqual(0.15);
      expect(valueOf(result, 'api_response_time_p50')!).toBeLessThan(p95);
    } finally {
      await collector.close?.();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('records through the Express-style middleware', async () => {
    const middleware = expressMiddleware({ redis, prefix });
    const server = createServer((req, res) => middleware(req, res, () => app(req, res)));
    const base = await listen(server);
    try {
      for (const path of ['/', '/fail', '/slow']) await get(`${base}${path}`);
      const keys = keysOf(prefix);
      await waitFor(async () => (await redis.llen(keys.responseTimes)) === 3, { what: '3 response times' });
      expect(await redis.get(keys.requests)).toBe('3');
      expect(await redis.get(keys.errors)).toBe('1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('records through Fastify-style onRequest / onResponse hooks', async () => {
    const hooks = new Map<string, (request: object, reply: { statusCode: number }, done: () => void) => void>();
    const fakeFastify: FastifyLike = { addHook: (name: string, hook: never) => void hooks.set(name, hook) };
    registerFastify(fakeFastify, { redis, prefix });
    const request = {};
    const done = () => {};
    hooks.get('onRequest')!(request, { statusCode: 200 }, done);
    await sleep(5);
    hooks.get('onResponse')!(request, { statusCode: 503 }, done);
    const keys = keysOf(prefix);
    await waitFor(async () => (await redis.llen(keys.responseTimes)) === 1, { what: 'the response time' });
    expect(await redis.get(keys.errors)).toBe('1');
    expect(Number(await redis.lindex(keys.responseTimes, 0))).toBeGreaterThan(0);
  });

  it('keeps the response-time list bounded while nothing consumes it', async () => {
    const middleware = expressMiddleware({ redis, prefix, maxListLength: 5 });
    const server = createServer((req, res) => middleware(req, res, () => app(req, res)));
    const base = await listen(server);
    try {
      for (let i = 0; i < 8; i++) await get(`${base}/`);
      const keys = keysOf(prefix);
      await waitFor(async () => (await redis.get(keys.requests)) === '8', { what: '8 requests' });
      expect(await redis.llen(keys.responseTimes)).toBe(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never fails the application when monitoring is down', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    const errors: unknown[] = [];
    const throwing: RedisLike = {
      pipeline() {
        throw new Error('client is closed');
      },
    };
    const server = createServer((req, res) => {
      const handler = req.url === '/throwing' ? instrumentNodeHttp(app, { redis: throwing, onError: (e) => errors.push(e) }) : instrumentNodeHttp(app, { redis: down, onError: (e) => errors.push(e) });
      handler(req, res);
    });
    const base = await listen(server);
    try {
      expect(await get(`${base}/`)).toBe(200);
      expect(await get(`${base}/throwing`)).toBe(200);
      await waitFor(() => errors.length >= 2, { what: 'both failures reported to onError' });
    } finally {
      down.disconnect();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
