import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { REPO_ROOT } from '@vigia/config';
import { CollectorHealthBoard, compareStreamIds, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, createPostgresDatabase, redisPrefix, startHttpReceiver, waitFor } from '@vigia/testing';
import { trpcClient } from '../src/index.ts';

// Two API processes and three worker processes, started as `npm run start:api` / `start:worker`
// start them, on one Redis prefix and one PostgreSQL database: what running Vigia on several
// machines amounts to.

const WORKERS = 3;
const APIS = 2;
const RULE = 'Scaling Value High';

interface App {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function spawnApp(name: string, app: 'api' | 'worker', env: Record<string, string>): App {
  // Only PATH and HOME from this process: a DATABASE_URL in the shell must not leak in.
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-3_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output: () => tail, exited };
}

async function stopApp(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 10_000);
  await app.exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every built-in collector but `system` off: the test counts system samples and wants its CPU for five processes. */
function onlySystemCollector(): string {
  const plugins = join(REPO_ROOT, 'plugins');
  const others = readdirSync(plugins)
    .filter((d) => d.startsWith('collector-') && d !== 'collector-system' && existsSync(join(plugins, d, 'package.json')))
    .filter((d) => (JSON.parse(readFileSync(join(plugins, d, 'package.json'), 'utf8')) as { vigia?: { type?: string } }).vigia?.type === 'collector')
    .map((d) => d.slice('collector-'.length));
  return ['collectors:', '  system: { interval: 1s }', ...others.map((n) => `  ${n}: { enabled: false }`)].join('\n');
}

type Hook = { reason: string; alertId: string; notificationId: string; alert: { labels: Record<string, string> } };

describe('two APIs and three workers on one Redis and one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-scaling-'));
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  const keys = redisKeys(prefix.prefix);
  const token = `scaling-${randomBytes(12).toString('hex')}`;
  const workers: App[] = [];
  const apis: (App & { url: string })[] = [];
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: pg.Client;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  // The workers run on this machine and name no host of their own: the system collector's ticks
  // are claimed as this machine's, and its series are labelled with this machine's name.
  const systemHealth = () => new CollectorHealthBoard(redis, keys).get(`system@${hostname()}`);
  // What the ticks are counted by: the system collector emits it on every run (a CPU figure
  // needs a full window since the last one, which a late tick followed by a punctual one lacks).
  const memorySeries = `memory_usage{host="${hostname()}"}`;
  const everyOutput = () => [...apis, ...workers].map((a) => `--- ${a.name}\n${a.output()}`).join('\n');

  beforeAll(async () => {
    database = await createPostgresDatabase();
    hook = await startHttpReceiver();
    const config = join(dir, 'monitoring.yaml');
    writeFileSync(
      config,
      `${onlySystemCollector()}
storage:
  flush_interval: 200ms
alerts:
  evaluation_interval: 500ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 2s }
  rules:
    - name: ${RULE}
      metric: scaling_value
      operator: ">"
      threshold: 10
      for: 1s
      severity: critical
      channels: [hook]
channels:
  hook: { type: webhook, url: ${hook.url}/hook }
`,
    );
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      VIGIA_KEY_PREFIX: prefix.prefix,
      MONITORING_CONFIG: config,
      API_TOKEN: token,
      SECRET_KEY: randomBytes(24).toString('hex'),
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      LOG_LEVEL: 'warn',
    };
    const dataDir = (name: string) => {
      const d = join(dir, name);
      mkdirSync(d);
      return d;
    };
    for (let i = 0; i < WORKERS; i++) workers.push(spawnApp(`worker-${i}`, 'worker', { ...shared, VIGIA_DATA_DIR: dataDir(`worker-${i}`) }));
    for (let i = 0; i < APIS; i++) {
      const port = await freePort();
      const app = spawnApp(`api-${i}`, 'api', { ...shared, VIGIA_DATA_DIR: dataDir(`api-${i}`), MONITORING_HOST: '127.0.0.1', MONITORING_PORT: String(port) });
      apis.push({ ...app, url: `http://127.0.0.1:${port}` });
    }
    db = new pg.Client({ connectionString: database.url });
    await db.connect();

    const alive = () => {
      const dead = [...apis, ...workers].find((a) => a.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited (${dead.child.exitCode}):\n${dead.output()}`);
    };
    await waitFor(
      async () => {
        alive();
        const healthy = await Promise.all(
          apis.map((a) =>
            fetch(`${a.url}/healthz`).then(
              (r) => r.ok,
              () => false,
            ),
          ),
        );
        const persisting = (await redis.xinfo('CONSUMERS', keys.ingest, 'persist').catch(() => [])) as unknown[];
        return healthy.every(Boolean) && persisting.length === WORKERS;
      },
      { timeoutMs: 100_000, intervalMs: 250, what: 'both APIs healthy and three workers consuming' },
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${everyOutput()}`);
    });
  });

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map(stopApp));
    await db?.end();
    await hook?.close();
    await database?.drop();
    await prefix.cleanup();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The timestamps of the memory_usage rows in history with ts in [from, to), in order, repeats kept. */
  async function historyStamps(from: number, to: number): Promise<number[]> {
    const { rows } = await db.query<{ ms: string }>(
      `SELECT (extract(epoch FROM r.ts) * 1000)::bigint AS ms
       FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = 'memory_usage' AND r.ts >= $1 AND r.ts < $2 ORDER BY r.ts`,
      [new Date(from), new Date(to)],
    );
    return rows.map((r) => Number(r.ms));
  }

  /**
   * Watches `seconds` planned ticks of the system collector (1 s): the memory_usage samples of
   * those ticks in Redis' live window and in PostgreSQL history. Each sample carries its tick's
   * planned time, so the comparison is exact whatever the workers' delays.
   */
  async function watchCollection(seconds: number) {
    const from = Math.ceil(Date.now() / 1_000) * 1_000 + 1_000;
    const to = from + seconds * 1_000;
    // Every tick of the span is over once two later ones have run (a run takes milliseconds).
    await waitFor(async () => ((await systemHealth())?.lastRunAt ?? 0) >= to + 1_000, {
      timeoutMs: seconds * 1_000 + 30_000,
      intervalMs: 200,
      what: `the system collector's ticks up to ${new Date(to).toISOString()}`,
    });
    const inRedis = ((await redis.zrangebyscore(keys.window(memorySeries), from, `(${to}`, 'WITHSCORES')) as string[]).filter((_, i) => i % 2 === 1).map(Number);
    // Three persisters write in parallel: wait until history has what Redis holds.
    const inHistory = await waitFor(
      async () => {
        const stamps = await historyStamps(from, to);
        return stamps.length >= inRedis.length ? stamps : null;
      },
      { timeoutMs: 15_000, what: `the ${inRedis.length} memory_usage samples of the span in history` },
    );
    return { from, to, inRedis: inRedis.sort((a, b) => a - b), inHistory };
  }

  /**
   * One sample per tick, stamped with that tick (a whole second), in Redis and in history alike.
   * A tick may be lost to a machine too busy to time it within its second, never run twice.
   */
  function expectOneSamplePerTick(w: Awaited<ReturnType<typeof watchCollection>>, seconds: number) {
    const detail = JSON.stringify(w);
    expect(
      w.inRedis.filter((t) => t % 1_000 !== 0),
      `samples off the 1 s grid: ${detail}`,
    ).toEqual([]);
    expect(new Set(w.inRedis).size, `two samples for one tick: ${detail}`).toBe(w.inRedis.length);
    expect(w.inRedis.length, `ticks lost: ${detail}`).toBeGreaterThanOrEqual(seconds - 2);
    expect(w.inHistory, `history against Redis: ${detail}`).toEqual(w.inRedis);
  }

  it('collects once per tick: one sample per planned tick, stamped with it, in Redis and in PostgreSQL', async () => {
    expectOneSamplePerTick(await watchCollection(8), 8);
  });

  it('delivers the same live batches to the clients of both APIs', async () => {
    const seen = apis.map(() => [] as string[]);
    const subscriptions = apis.map((api, i) => trpcClient(api.url, token).metrics.live.subscribe({ names: ['cpu_usage'] }, { onData: (event) => void seen[i]!.push(event.id) }));
    try {
      await waitFor(() => seen.every((ids) => ids.length >= 5), { timeoutMs: 20_000, what: 'five live batches on each API' });
    } finally {
      for (const s of subscriptions) s.unsubscribe();
    }
    // Compare over the span both subscriptions covered.
    const first = seen
      .map((ids) => ids[0]!)
      .sort(compareStreamIds)
      .at(-1)!;
    const last = seen.map((ids) => ids.at(-1)!).sort(compareStreamIds)[0]!;
    const within = (ids: string[]) => ids.filter((id) => compareStreamIds(id, first) >= 0 && compareStreamIds(id, last) <= 0);
    const [a, b] = seen.map(within);
    expect(a!.length).toBeGreaterThanOrEqual(3);
    expect(a).toEqual(b);
    // And they are every cpu_usage batch the workers wrote in that span, each once.
    const written = ((await redis.xrange(keys.live, first, last)) as [string, string[]][]).filter(([, f]) => f[1]!.includes('"cpu_usage"')).map(([id]) => id);
    expect(a).toEqual(written);
  });

  /** Pushes scaling_value for `host` through the APIs in turn, every 200 ms, until stopped. */
  function feed(host: string, value: () => number) {
    let stopped = false;
    let n = 0;
    const loop = (async () => {
      while (!stopped) {
        const api = apis[n++ % apis.length]!;
        await fetch(`${api.url}/api/metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify([{ name: 'scaling_value', value: value(), labels: { host } }]),
        }).catch(() => {});
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return () => {
      stopped = true;
      return loop;
    };
  }

  /** One episode for `host`: fires, then resolves; the webhook must hear each exactly once. */
  async function episode(host: string) {
    let value = 50;
    const stop = feed(host, () => value);
    try {
      const fired = await waitFor(() => hook.json<Hook>((b) => b.reason === 'new' && b.alert.labels.host === host)[0], { what: `the firing webhook for ${host}` });
      value = 1;
      await waitFor(() => hook.json<Hook>((b) => b.reason === 'resolved' && b.alertId === fired.alertId)[0], { what: `the resolved webhook for ${host}` });
      return fired.alertId;
    } finally {
      await stop();
    }
  }

  function expectOnceEach(alertIds: string[]) {
    const bodies = hook.json<Hook>();
    expect(new Set(bodies.map((b) => b.notificationId)).size, 'a notification delivered twice').toBe(bodies.length);
    for (const id of alertIds) {
      expect(
        bodies.filter((b) => b.alertId === id).map((b) => b.reason),
        `episode ${id}`,
      ).toEqual(['new', 'resolved']);
    }
    expect(new Set(bodies.map((b) => b.alertId))).toEqual(new Set(alertIds));
  }

  const episodes: string[] = [];

  it('evaluates once per tick: one `new` and one `resolved` per episode, with metrics pushed through both APIs', async () => {
    episodes.push(...(await Promise.all([episode('a'), episode('b')])));
    // Five evaluation intervals more for a late duplicate to show up.
    await new Promise((r) => setTimeout(r, 2_500));
    expectOnceEach(episodes);
  });

  it('goes on without a worker killed with SIGKILL: collection, evaluation and delivery are taken over', async () => {
    const victim = workers[0]!;
    const consumersBefore = (await redis.xinfo('CONSUMERS', keys.ingest, 'persist')) as [string, string, string, number][];
    victim.child.kill('SIGKILL');
    await victim.exited;

    expectOneSamplePerTick(await watchCollection(6), 6);

    episodes.push(await episode('c'));
    await new Promise((r) => setTimeout(r, 2_500));
    expectOnceEach(episodes);

    // History batches the dead worker had read but not committed (rare: it holds them for
    // milliseconds) are claimed by another after their idle time; none may stay behind.
    const pendingOf = async () => {
      const summary = (await redis.xpending(keys.ingest, 'persist')) as [number, string | null, string | null, [string, string][] | null];
      return summary[0];
    };
    await waitFor(async () => (await pendingOf()) === 0, { timeoutMs: 45_000, what: `pending history batches taken over (consumers before the kill: ${JSON.stringify(consumersBefore)})` });
    expect(
      workers.slice(1).every((wk) => wk.child.exitCode === null),
      everyOutput(),
    ).toBe(true);
  });
});
