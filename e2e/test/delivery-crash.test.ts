import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { SampleWriter, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, startHttpReceiver, waitFor } from '@vigia/testing';
import { startStack, trpcClient, type Stack } from '../src/index.ts';

const WORKER_MAIN = fileURLToPath(new URL('../../apps/worker/src/main.ts', import.meta.url));

const yaml = (hookUrl: string) => `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 1s, stalled_check: 2s }
  rules:
    - name: Crash Test
      metric: crash_value
      operator: ">"
      threshold: 10
      severity: critical
      channels: [hook]
channels:
  hook: { type: webhook, url: "${hookUrl}/hook" }
`;

describe('a worker SIGKILLed while delivering', () => {
  let stack: Stack;
  let child: ChildProcess | undefined;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.stop();
    await hook?.close();
    redis.disconnect();
  });

  it('delivers the notification exactly once after another worker takes over', { timeout: 120_000 }, async () => {
    // The first request is left hanging: the worker dies with the delivery in flight.
    hook = await startHttpReceiver((_req, i) => (i === 0 ? 'hang' : 200));
    stack = await startStack({ yaml: yaml(hook.url), worker: false });
    child = spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        VIGIA_KEY_PREFIX: stack.prefix,
        MONITORING_CONFIG: join(stack.dataDir, 'monitoring.yaml'),
        VIGIA_DATA_DIR: stack.dataDir,
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    const writer = new SampleWriter(redis, redisKeys(stack.prefix), { liveWindowMs: 60_000 });
    const feeding = setInterval(() => void writer.write({ source: 'test', samples: [{ key: 'crash_value', name: 'crash_value', labels: {}, value: 99, timestamp: Date.now() }] }), 100);
    try {
      await waitFor(() => hook.requests.length === 1, { what: 'the first delivery attempt', timeoutMs: 60_000 });
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      child = undefined;

      stack.worker = await stack.startWorker();
      await waitFor(() => hook.requests.some((r) => r.status === 200), { what: 'the delivery by the new worker', timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 2_500)); // several stalled checks and backoffs later
    } finally {
      clearInterval(feeding);
    }
    const ids = hook.requests.map((r) => r.headers['x-vigia-notification-id']);
    expect(new Set(ids).size).toBe(1); // one notification, the interrupted attempt and its retry
    expect(hook.requests.map((r) => r.status)).toEqual([null, 200]);
    const client = trpcClient(stack.url, stack.apiToken);
    const [alert] = await client.alerts.list.query({});
    const detail = await client.alerts.get.query({ id: alert!.id });
    expect(detail.notifications).toHaveLength(1);
    expect(detail.notifications[0]).toMatchObject({ state: 'delivered' });
    expect(detail.deliveries.filter((d) => d.outcome === 'delivered')).toHaveLength(1);
  });
});
