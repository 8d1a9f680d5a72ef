import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { instrumentNodeHttp } from '@vigia/instrument';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';

type Current = { metrics: { name: string; labels: Record<string, string>; value: number; stale: boolean }[] };

describe('the built-in collectors inside a running Vigia', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const app = `app${Math.random().toString(36).slice(2, 8)}:`;
  let stack: Stack;
  let server: Server;
  let get: ReturnType<typeof authedFetch>;
  const current = async () => ((await (await get(`${stack.url}/api/metrics/current`)).json()) as Current).metrics;
  const find = async (name: string, labels: Record<string, string> = {}) => (await current()).find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v));

  beforeAll(async () => {
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
  api: { interval: 1s, prefix: "${app}" }
  custom: { interval: 1s, prefix: "${app}" }
  business: { interval: 1s, prefix: "${app}" }
  redis: { interval: 1s }
  postgres: { interval: 1s, top_tables: 5 }
alerts:
  collector_down: { enabled: false }
`,
      env: { DB_HOST: '127.0.0.1', DB_PORT: '5432', DB_USER: 'postgres', DB_NAME: 'postgres' },
    });
    get = authedFetch(stack.apiToken);
    // An application with the one-line middleware: every tenth request fails.
    let n = 0;
    server = createServer(
      instrumentNodeHttp(
        (_req, res) => {
          n++;
          res.writeHead(n % 10 === 0 ? 500 : 200).end('ok');
        },
        { redis, prefix: app },
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    server?.close();
    await stack?.stop();
    const keys = await redis.keys(`${app}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('turns traffic through the middleware into request rate, error rate and P95', async () => {
    const { port } = server.address() as AddressInfo;
    // Rates are deltas between two ticks: traffic that all came before the collector's first tick
    // has no interval to be a rate of. Its first tick (counters never written) exports 0 rates.
    await waitFor(() => find('api_request_rate'), { what: "the api collector's first tick" });
    for (let i = 0; i < 200; i++) await fetch(`http://127.0.0.1:${port}/`);
    const total = await waitFor(async () => ((await find('api_requests_total'))?.value === 200 ? find('api_errors_total') : null), { what: 'the api collector to count every request' });
    expect(total!.value).toBe(20);
    await waitFor(async () => (await find('api_response_time_p95'))!.value > 0, { what: 'a P95' });
    // The rates are per interval: some interval saw the traffic, with 10 % errors overall. History
    // is written up to storage.flush_interval after the live value.
    const nonZero = (name: string) => async () => {
      const history = (await (await get(`${stack.url}/api/metrics/${name}?limit=100`)).json()) as { points: { value: number }[] };
      return history.points.some((p) => p.value > 0);
    };
    await waitFor(nonZero('api_error_rate'), { what: 'an api_error_rate above 0 in history' });
    await waitFor(nonZero('api_request_rate'), { what: 'an api_request_rate above 0 in history' });
  });

  it('reads custom metrics pushed the seed’s way, skipping and counting malformed ones', async () => {
    await redis.hset(`${app}custom_metric:user_registrations`, { value: 42, tags: JSON.stringify({ plan: 'premium' }) });
    await redis.hset(`${app}custom_metric:broken`, { value: 'lots', tags: '{}' });
    await redis.sadd(`${app}custom_metrics`, 'user_registrations', 'broken');
    const good = await waitFor(() => find('user_registrations', { plan: 'premium' }), { what: 'the custom metric' });
    expect(good.value).toBe(42);
    expect(await find('broken')).toBeUndefined();
    const metrics = await (await get(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^vigia_ingest_rejected_total\{reason="invalid_custom_metric"\} [1-9]/m);
  });

  it('reads the business keys and answers the seed’s user activity endpoint', async () => {
    await redis.set(`${app}metrics:orders:today`, 150);
    await redis.set(`${app}metrics:revenue:today`, 45000.5);
    await redis.set(`${app}metrics:active_users`, 7);
    // Until a tick reads the keys the series are there at 0 (nothing recorded yet).
    await waitFor(async () => (await find('business_orders_today'))?.value === 150, { what: 'orders' });
    await waitFor(async () => (await find('business_revenue_today'))?.value === 45000.5, { what: 'revenue' });
    const activity = await waitFor(
      async () => {
        const body = (await (await get(`${stack.url}/api/user/activity`)).json()) as { activeUsers: number | null; history: unknown[] };
        return body.activeUsers === 7 && body.history.length > 0 ? body : null;
      },
      { what: 'user activity with history' },
    );
    expect(activity.activeUsers).toBe(7);
  });

  it('collects the monitored PostgreSQL and Redis, reports collector health, exports all of it cleanly', async () => {
    await waitFor(() => find('db_connections_max'), { what: 'postgres metrics' });
    await waitFor(() => find('cache_connected_clients'), { what: 'redis metrics' });
    const collectors = (await (await get(`${stack.url}/api/system/info`)).json()) as { collectors: { name: string; status: string }[] };
    for (const name of ['api', 'business', 'custom', 'postgres', 'redis']) expect(collectors.collectors.find((c) => c.name === name)?.status, name).toBe('ok');
    const text = await (await get(`${stack.url}/metrics`)).text();
    for (const name of ['api_request_rate', 'api_response_time_p95', 'db_connections', 'cache_memory_used_bytes', 'business_orders_today', 'user_registrations']) {
      expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${promtool.stdout}${promtool.stderr}`).toBe('');
  });
});
