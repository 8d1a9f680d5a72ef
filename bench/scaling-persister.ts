import pg from 'pg';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { QUEUES, openQueue, redisKeys, type SampleBatch } from '@vigia/live';
import { spawnApp, tempConfig, type AppProcess } from './app-process.ts';
import { benchSeries } from './bench-series.ts';
import { pollUntil, sleep } from './poll.ts';
import { quietYaml } from './scaling-config.ts';

export const PERSIST_SERIES = 1_000;
export const PERSIST_TICKS = 500;
export const PERSIST_STEP_MS = 5_000;
/** Series per stream entry: a collector reporting 100 series per tick, ten of them. */
export const ENTRY_SERIES = 100;
export const DRAINS = 3;

export interface PersisterDrain {
  samples: number;
  seconds: number;
  /** Of which writing the backlog into the stream (consumption runs meanwhile): a drain no longer than this measures the writer. */
  fillSeconds: number;
  samplesPerSecond: number;
}

export interface PersisterRun {
  workers: number;
  entries: number;
  /** The median drain. */
  samplesPerSecond: number;
  drains: PersisterDrain[];
  /** Deadlocks PostgreSQL detected in the database meanwhile (the persisters retry them). */
  deadlocks: number;
  rowsStored: number;
}

/** The backlog as the collectors would have left it in the ingest stream: one entry per collector tick. */
function backlog(start: number): string[] {
  const series = benchSeries(PERSIST_SERIES);
  const entries: string[] = [];
  for (let t = 0; t < PERSIST_TICKS; t++) {
    const timestamp = start + t * PERSIST_STEP_MS;
    for (let first = 0; first < PERSIST_SERIES; first += ENTRY_SERIES) {
      const samples = series.slice(first, first + ENTRY_SERIES).map(({ name, labels }, i) => ({
        key: seriesKey(name, labels),
        name,
        labels,
        value: Math.round((50 + 40 * Math.sin(first + i + t / 60)) * 100) / 100,
        timestamp,
      }));
      entries.push(JSON.stringify({ source: 'bench', samples } satisfies SampleBatch));
    }
  }
  return entries;
}

async function deadlocks(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0]?.n ?? 0);
}

/** Writes one backlog into the stream and waits until PostgreSQL has committed all of it. */
async function drain(redis: Redis, ingest: string, entries: string[], apps: AppProcess[]): Promise<PersisterDrain> {
  const started = performance.now();
  for (let i = 0; i < entries.length; i += 100) {
    const pipeline = redis.pipeline();
    for (const entry of entries.slice(i, i + 100)) pipeline.xadd(ingest, '*', 'b', entry);
    await pipeline.exec();
  }
  const fillSeconds = (performance.now() - started) / 1000;
  // An entry leaves the stream once PostgreSQL committed it (XACK + XDEL after the insert).
  await pollUntil(
    async () => {
      const dead = apps.find((a) => a.exited());
      if (dead) throw new Error(`a worker exited while persisting:\n${dead.output()}`);
      const [left, pending] = await Promise.all([redis.xlen(ingest), redis.xpending(ingest, 'persist') as Promise<[number]>]);
      return left === 0 && Number(pending[0]) === 0;
    },
    'the backlog written to PostgreSQL',
    { timeoutMs: 180_000, intervalMs: 50 },
  );
  const seconds = (performance.now() - started) / 1000;
  const samples = entries.length * ENTRY_SERIES;
  return { samples, seconds: Math.round(seconds * 1000) / 1000, fillSeconds: Math.round(fillSeconds * 1000) / 1000, samplesPerSecond: Math.round(samples / seconds) };
}

/**
 * `workers` real worker processes drain a backlog of PERSIST_TICKS × PERSIST_SERIES samples from
 * the ingest stream into PostgreSQL, DRAINS times (each backlog an hour later than the one before,
 * into the same tables): the rate history can be written at with that many persisters competing
 * for one database.
 */
export async function persisterRun(workers: number, env: { databaseUrl: string; redisUrl: string; prefix: string }, log: (line: string) => void): Promise<PersisterRun> {
  const keys = redisKeys(env.prefix);
  const config = tempConfig(quietYaml());
  const redis = new Redis(env.redisUrl);
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const apps: AppProcess[] = [];
  try {
    // Every worker count starts from empty tables (the first run creates them).
    await db.query('TRUNCATE series, samples_raw, samples_1m, samples_1h RESTART IDENTITY').catch(() => {});
    for (let i = 0; i < workers; i++) {
      apps.push(
        spawnApp('worker', { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, VIGIA_KEY_PREFIX: env.prefix, MONITORING_CONFIG: config.file, VIGIA_DATA_DIR: config.dir, LOG_LEVEL: 'warn' }),
      );
    }
    // Redis 7.0 lists a consumer only once it has been handed an entry, so readiness is read off
    // BullMQ's named connections instead; each worker starts its persister right after them.
    const collectQueue = openQueue(QUEUES.evaluate.name, redis, keys, () => {});
    try {
      await pollUntil(
        async () => {
          const dead = apps.find((a) => a.exited());
          if (dead) throw new Error(`a worker exited during start-up:\n${dead.output()}`);
          return (await collectQueue.getWorkersCount()) === workers && (await redis.exists(keys.ingest)) === 1;
        },
        `${workers} workers connected`,
        { timeoutMs: 120_000 },
      );
    } finally {
      await collectQueue.close();
    }
    await sleep(2_000);

    const deadlocksBefore = await deadlocks(db);
    const first = Math.floor(Date.now() / 3_600_000) * 3_600_000 - (DRAINS + 2) * 3_600_000;
    const drains: PersisterDrain[] = [];
    for (let d = 0; d < DRAINS; d++) {
      drains.push(await drain(redis, keys.ingest, backlog(first + d * 3_600_000), apps));
      const last = drains.at(-1)!;
      log(
        `${workers} worker${workers > 1 ? 's' : ''}, drain ${d + 1}/${DRAINS}: ${last.samples.toLocaleString('en-US')} samples in ${last.seconds.toFixed(2)} s (stream filled in ${last.fillSeconds.toFixed(2)} s) = ${last.samplesPerSecond.toLocaleString('en-US')}/s`,
      );
    }
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM samples_raw');
    const expected = drains.reduce((n, d) => n + d.samples, 0);
    if (rows[0]!.n !== expected) throw new Error(`samples_raw holds ${rows[0]!.n} rows after ${expected} samples`);
    const rates = drains.map((d) => d.samplesPerSecond).sort((a, b) => a - b);
    return {
      workers,
      entries: PERSIST_TICKS * (PERSIST_SERIES / ENTRY_SERIES),
      samplesPerSecond: rates[Math.floor(rates.length / 2)]!,
      drains,
      deadlocks: (await deadlocks(db)) - deadlocksBefore,
      rowsStored: rows[0]!.n,
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    redis.disconnect();
    await db.end();
    config.remove();
  }
}
