import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type VigiaConfig } from '@vigia/config';
import { createLogger } from '@vigia/log';
import { TEST_REDIS_URL, createTestStore, redisPrefix, type StoreKind, type TestDatabase } from '@vigia/testing';
import { startWorker, type RunningWorker } from '../src/index.ts';

export interface WorkerHarness {
  config: VigiaConfig;
  database: TestDatabase;
  prefix: string;
  dir: string;
  /** `env` stands in for one worker's own environment (another machine: `VIGIA_HOSTNAME`). */
  start(env?: Record<string, string>): Promise<RunningWorker>;
  cleanup(): Promise<void>;
}

/** A temporary folder holding a monitoring.yaml and, optionally, drop-in plugin folders. */
export function tempConfigDir(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-worker-'));
  const file = join(dir, 'monitoring.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

/** Writes a plain-JavaScript drop-in plugin folder, as a user would. */
export function writePlugin(pluginsDir: string, folder: string, source: string, type = 'collector'): string {
  const dir = join(pluginsDir, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: folder, type: 'module', main: 'index.js', vigia: { type } }));
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

export async function workerHarness(yaml: string, kind: StoreKind = 'postgres', env: Record<string, string> = {}): Promise<WorkerHarness> {
  const { dir, file } = tempConfigDir(yaml);
  const database = await createTestStore(kind);
  const redis = redisPrefix();
  const configFor = (own: Record<string, string> = {}) => loadConfig({ file, env: { REDIS_URL: TEST_REDIS_URL, VIGIA_DATA_DIR: dir, ...env, ...own } });
  const config = configFor();
  const workers: RunningWorker[] = [];
  return {
    config,
    database,
    prefix: redis.prefix,
    dir,
    async start(own?: Record<string, string>) {
      const worker = await startWorker({ config: own ? configFor(own) : config, store: database.store, logger: createLogger('test', 'silent'), keyPrefix: redis.prefix, claimIdleMs: 1_000 });
      workers.push(worker);
      return worker;
    },
    async cleanup() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await database.drop();
      await redis.cleanup();
    },
  };
}
