import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { pingRedis } from '@vigia/live';
import { TEST_POSTGRES_URL, createPostgresDatabase, freePort, startTcpProxy, waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';

type Current = { metrics: { name: string; timestamp: string }[] };

/** A Redis of this test's own, so it can be killed and restarted without touching anyone else's. */
function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

const newestCpu = async (stack: Stack) => {
  const body = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current;
  const cpu = body.metrics.find((m) => m.name === 'cpu_usage');
  return cpu ? Date.parse(cpu.timestamp) : 0;
};

describe('Redis restarting', () => {
  let redisProcess: ChildProcess | undefined;
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.stop().catch(() => {});
    redisProcess?.kill('SIGKILL');
  });

  it('the API and worker reconnect and go on, schedulers restored', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    redisProcess = startRedis(port);
    await waitFor(async () => (await pingRedis(url)).ok, { what: 'the private redis' });
    stack = await startStack({ env: { REDIS_URL: url } });
    await waitFor(async () => (await newestCpu(stack!)) > 0, { what: 'cpu samples' });

    redisProcess.kill('SIGKILL');
    await new Promise((r) => redisProcess!.once('exit', r));
    const down = await fetch(`${stack.url}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { redis: { ok: boolean } }).redis.ok).toBe(false);

    const restartedAt = Date.now();
    redisProcess = startRedis(port);
    // Redis came back empty: new samples prove the collection schedulers were put back.
    await waitFor(async () => (await newestCpu(stack!)) > restartedAt, { what: 'samples after the restart', timeoutMs: 60_000 });
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });
});

describe('PostgreSQL unreachable at runtime', () => {
  let stack: Stack | undefined;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stack?.stop().catch(() => {});
    await proxy?.close();
    await drop?.();
  });

  it('keeps live data flowing, says the database is down, and writes the backlog once it is back', { timeout: 120_000 }, async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    proxy = await startTcpProxy(Number(new URL(TEST_POSTGRES_URL).port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    stack = await startStack({ env: { DATABASE_URL: viaProxy.toString() }, store: 'postgres' });
    await waitFor(async () => (await newestCpu(stack!)) > 0, { what: 'cpu samples' });

    await proxy.cut();
    const cutAt = Date.now();
    const health = await waitFor(
      async () => {
        const res = await fetch(`${stack!.url}/healthz`);
        return res.status === 503 ? ((await res.json()) as { database: { ok: boolean }; redis: { ok: boolean }; historyBacklog: number }) : null;
      },
      { what: 'healthz to report the database down' },
    );
    expect(health).toMatchObject({ database: { ok: false }, redis: { ok: true } });
    // Live data keeps flowing through Redis.
    await waitFor(async () => (await newestCpu(stack!)) > cutAt + 1_500, { what: 'live samples while the database is away' });
    await waitFor(async () => ((await (await fetch(`${stack!.url}/healthz`)).json()) as { historyBacklog: number }).historyBacklog > 0, { what: 'a history backlog' });

    await proxy.restore();
    await waitFor(async () => (await fetch(`${stack!.url}/healthz`)).status === 200, { what: 'healthz to recover', timeoutMs: 30_000 });
    // The samples taken while the database was away reach history.
    const direct = new (await import('pg')).default.Client({ connectionString: database.url });
    await direct.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await direct.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = 'cpu_usage' AND r.ts > $1 AND r.ts < $2`,
            [new Date(cutAt + 200), new Date(cutAt + 1_500)],
          );
          return rows[0]!.n >= 1;
        },
        { what: 'outage samples in history', timeoutMs: 30_000 },
      );
    } finally {
      await direct.end();
    }
  });
});
