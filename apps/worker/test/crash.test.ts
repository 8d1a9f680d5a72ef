import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SampleWriter, redisKeys, type LiveSample } from '@vigia/live';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { PERSIST_GROUP } from '../src/persister.ts';
import { tempConfigDir, workerHarness, type WorkerHarness } from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('a worker killed between Redis and PostgreSQL', () => {
  let harness: WorkerHarness;
  let child: ChildProcess | undefined;
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await harness?.cleanup();
    redis.disconnect();
  });

  it('loses no acknowledged sample and stores none twice', { timeout: 120_000 }, async () => {
    const yaml = 'collectors:\n  system: { enabled: false }\nstorage:\n  flush_interval: 200ms\n';
    harness = await workerHarness(yaml, 'postgres');
    const { dir, file } = tempConfigDir(yaml);
    const keys = redisKeys(harness.prefix);
    const databaseUrl = harness.database.url!;

    // A real worker process, as `npm run start:worker` runs it.
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, VIGIA_KEY_PREFIX: harness.prefix, MONITORING_CONFIG: file, VIGIA_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.once('exit', (code) => {
      if (code !== null) output += `\n(exited with ${code})`;
    });
    await waitFor(
      async () => {
        const consumers = (await redis.xinfo('CONSUMERS', keys.ingest, PERSIST_GROUP).catch(() => [])) as unknown[];
        return consumers.length > 0;
      },
      { what: 'the child worker to join the persist group', timeoutMs: 60_000 },
    ).catch((error) => {
      throw new Error(`${error.message}; its output:\n${output}`);
    });

    // Hold the history table so the child reads batches but cannot commit them.
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE samples_raw IN ACCESS EXCLUSIVE MODE');

    const writer = new SampleWriter(redis, keys, { liveWindowMs: 60_000 });
    const t0 = Date.UTC(2026, 0, 1);
    const batches = 20;
    const perBatch = 50;
    for (let b = 0; b < batches; b++) {
      const samples: LiveSample[] = [];
      for (let i = 0; i < perBatch; i++) samples.push({ key: `crash_metric{i="${i}"}`, name: 'crash_metric', labels: { i: String(i) }, value: b, timestamp: t0 + b * 1000 });
      await writer.write({ source: 'test', samples }); // acknowledged from here on
    }
    await waitFor(
      async () => {
        const [count] = (await redis.xpending(keys.ingest, PERSIST_GROUP)) as [number];
        return count > 0;
      },
      { what: 'the child to hold batches unacknowledged' },
    );
    // Some batches are in the dead worker's hands (pending), the rest not yet read by anyone.

    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await blocker.query('ROLLBACK');
    await blocker.end();

    // A new worker takes over the dead one's pending batches.
    const successor = await harness.start();
    let seen = 0;
    const { rows } = await waitFor(
      async () => {
        const result = await harness.database.store.sql.query<{ n: number; distinct_n: number }>(
          `SELECT count(*)::int AS n, count(DISTINCT (r.series_id, r.ts))::int AS distinct_n FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = 'crash_metric'`,
        );
        seen = result.rows[0]!.n;
        return seen === batches * perBatch ? result : null;
      },
      { what: 'every acknowledged sample in history', timeoutMs: 30_000 },
    ).catch((error) => {
      throw new Error(`${error.message}: ${seen} rows; persister error: ${successor.persister.lastError}`);
    });
    expect(rows[0]).toEqual({ n: batches * perBatch, distinct_n: batches * perBatch });
    const rollup = await harness.database.store.sql.query<{ count: number }>(`SELECT sum(m.count)::int AS count FROM samples_1m m JOIN series s ON s.id = m.series_id WHERE s.name = 'crash_metric'`);
    expect(rollup.rows[0]!.count).toBe(batches * perBatch);
    await waitFor(async () => Number(((await redis.xpending(keys.ingest, PERSIST_GROUP)) as [number])[0]) === 0, { what: 'no batch left pending' });
  });
});
