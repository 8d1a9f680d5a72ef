import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { redisKeys } from '@vigia/live';
import { createPostgresDatabase, redisPrefix } from '@vigia/testing';
import { REPO_ROOT, freePort, spawnApp, tempConfig, waitHealthy, type AppProcess } from './app-process.ts';
import { pollUntil } from './poll.ts';
import { REDIS_URL, owe } from './scratch.ts';

/** The shipped config/monitoring.yaml with only the system collector's interval changed to 1 s. */
export function shippedConfigWithSystemAt1s(): string {
  const shipped = readFileSync(join(REPO_ROOT, 'config/monitoring.yaml'), 'utf8');
  const changed = shipped.replace(/^( {2}system:\n {4}interval: )\S+/m, '$11s');
  if (changed === shipped) throw new Error('config/monitoring.yaml: no `collectors.system.interval` line to set to 1s');
  return changed;
}

export interface VigiaStack {
  mode: 'start' | 'split';
  apps: AppProcess[];
  pids(): number[];
  stop(): Promise<void>;
}

/** Resolves once the API answers and the system collector's first cpu_usage is in Redis. */
async function ready(apps: AppProcess[], url: string, prefix: string, host: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await waitHealthy(apps[0]!, url);
    const key = seriesKey('cpu_usage', { host });
    await pollUntil(
      async () => {
        const dead = apps.find((a) => a.exited());
        if (dead) throw new Error(`Vigia exited during start-up:\n${dead.output()}`);
        return redis.hexists(redisKeys(prefix).latest, key);
      },
      `the first cpu_usage sample of ${host}`,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * `npm start` (mode `start`: API, worker and dashboard in one process on PGlite) or
 * `npm run start:api` + `npm run start:worker` (mode `split`, on a fresh PostgreSQL database),
 * each with a Redis prefix, a data dir and a port of its own, started as `spawnApp` does (no npm).
 */
export async function startVigia(mode: 'start' | 'split', onSpawn: (pids: () => number[]) => void = () => {}): Promise<VigiaStack> {
  const config = tempConfig(shippedConfigWithSystemAt1s());
  const removeConfig = owe(async () => config.remove());
  const keys = redisPrefix();
  const removeKeys = owe(() => keys.cleanup());
  const database = mode === 'split' ? await createPostgresDatabase() : undefined;
  const dropDatabase = database ? owe(() => database.drop()) : async () => {};
  const port = await freePort();
  const host = `bench-footprint-${mode}`;
  const env = {
    REDIS_URL,
    VIGIA_KEY_PREFIX: keys.prefix,
    MONITORING_CONFIG: config.file,
    VIGIA_DATA_DIR: config.dir,
    MONITORING_PORT: String(port),
    LOG_LEVEL: 'warn',
    VIGIA_HOSTNAME: host,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const apps: AppProcess[] = [];
  const pids = () => apps.filter((a) => !a.exited()).map((a) => a.pid);
  const stop = owe(async () => {
    for (const app of apps) await app.stop();
    await removeKeys().catch(() => {});
    await dropDatabase().catch(() => {});
    await removeConfig();
  });
  try {
    if (mode === 'start') {
      apps.push(spawnApp('all', env));
    } else {
      // The API first: it migrates the database the worker then uses.
      apps.push(spawnApp('api', env));
      onSpawn(pids);
      await waitHealthy(apps[0]!, `http://127.0.0.1:${port}`);
      apps.push(spawnApp('worker', env));
    }
    onSpawn(pids);
    await ready(apps, `http://127.0.0.1:${port}`, keys.prefix, host);
  } catch (error) {
    await stop();
    throw error;
  }
  return { mode, apps, pids, stop };
}
