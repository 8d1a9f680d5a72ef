import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '@vigia/config';
import { pingRedis } from '@vigia/live';
import { TEST_REDIS_URL, freePort, waitFor } from '@vigia/testing';
import { startStack, type Stack } from '../src/index.ts';

// REDIS_URL may end with a database (`redis://host:6379/3`). One the server does not have must
// stop the start with one line, and a database lost at runtime must turn /healthz degraded:
// otherwise ioredis goes on with database 0, among whatever else lives there.

const ENTRIES = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts', vigia: 'scripts/all-in-one.ts' } as const;
const scratch = mkdtempSync(join(tmpdir(), 'vigia-redis-db-'));

/** Starts an app's real entry point (what `npm run start:<app>` bundles) and waits for it to exit. */
async function start(app: keyof typeof ENTRIES, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const dataDir = mkdtempSync(join(scratch, `${app}-`));
  const port = await freePort();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ENTRIES[app]],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', VIGIA_DATA_DIR: dataDir, MONITORING_PORT: String(port), LOG_LEVEL: 'warn', ...env },
        timeout: 60_000,
      },
      (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
}

/** A Redis of this test's own, with `databases` databases and the extra arguments given. */
function startRedis(port: number, databases: number, extra: string[] = []): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--databases', String(databases), ...extra], { stdio: 'ignore' });
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a REDIS_URL database the server does not have', () => {
  it.each(Object.keys(ENTRIES) as (keyof typeof ENTRIES)[])('stops `%s` at start with one line naming REDIS_URL, the database and the server limit', { timeout: 90_000 }, async (app) => {
    const probe = new Redis(TEST_REDIS_URL);
    const [, limit] = (await probe.config('GET', 'databases')) as string[];
    probe.disconnect();
    const databases = Number(limit);
    const url = new URL(TEST_REDIS_URL);
    const address = `${url.hostname}:${url.port || 6379}`;
    url.pathname = `/${databases + 4}`;

    const run = await start(app, { REDIS_URL: url.toString() });
    expect(run.code, run.stderr).toBe(1);
    const who = app === 'vigia' ? 'vigia' : `vigia ${app}`;
    expect(run.stderr.trim()).toBe(`${who} cannot start: REDIS_URL selects database ${databases + 4} but the Redis at ${address} has ${databases} (0-${databases - 1})`);
  });

  it('says what the server answered where CONFIG is disabled', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const redis = startRedis(port, 4, ['--rename-command', 'CONFIG', '']);
    try {
      await waitFor(async () => (await pingRedis(`redis://127.0.0.1:${port}`)).ok, { what: 'the private redis' });
      const run = await start('api', { REDIS_URL: `redis://127.0.0.1:${port}/20` });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr.trim()).toBe(`vigia api cannot start: REDIS_URL selects database 20 but the Redis at 127.0.0.1:${port} refuses it (ERR DB index is out of range)`);
    } finally {
      await stopRedis(redis);
    }
  });
});

describe('/healthz with the Redis database gone', () => {
  let redis: ChildProcess | undefined;
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.stop().catch(() => {});
    await stopRedis(redis);
  });

  it('reports Redis down while the server answers without the database, and ok once it is back', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}/20`;
    redis = startRedis(port, 32);
    await waitFor(async () => (await pingRedis(url)).ok, { what: 'the private redis with database 20' });
    stack = await startStack({ env: { REDIS_URL: url }, worker: false });
    const health = async () => {
      const res = await fetch(`${stack!.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { status: string; redis: { ok: boolean; error?: string } } };
    };
    expect((await health()).status).toBe(200);

    // The same server restarted with 16 databases: PING answers, database 20 is gone, and the
    // API's connection would carry on in database 0.
    await stopRedis(redis);
    redis = startRedis(port, 16);
    const degraded = await waitFor(
      async () => {
        const h = await health();
        return h.status === 503 && h.body.redis.error?.includes('database 20') ? h : null;
      },
      { timeoutMs: 30_000, what: '/healthz to report database 20 missing' },
    );
    expect(degraded.body).toMatchObject({ status: 'degraded', redis: { ok: false, error: 'database 20 does not exist: the server has 16 (0-15)' } });

    await stopRedis(redis);
    redis = startRedis(port, 32);
    await waitFor(async () => (await health()).status === 200, { timeoutMs: 30_000, what: '/healthz ok with database 20 back' });
  });
});
