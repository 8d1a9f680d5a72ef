import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type VigiaConfig } from '@vigia/config';
import { openStore, type Store } from '@vigia/db';
import { createLogger, type LogLevel } from '@vigia/log';
import { startApi, type RunningApi } from '@vigia/api';
import { startWorker, type RunningWorker } from '@vigia/worker';
import { TEST_REDIS_URL, createPostgresDatabase, redisPrefix, type StoreKind } from '@vigia/testing';

export interface StackOptions {
  store?: StoreKind;
  /** monitoring.yaml text for this stack (defaults: the system collector every second). */
  yaml?: string;
  env?: Record<string, string>;
  worker?: boolean;
  api?: boolean;
  claimIdleMs?: number;
  logLevel?: LogLevel;
  /** The API's port, when the configuration must name it (a scrape of Vigia's own /metrics); a free one by default. */
  apiPort?: number;
}

export interface Stack {
  config: VigiaConfig;
  store: Store;
  databaseUrl?: string;
  prefix: string;
  dataDir: string;
  api?: RunningApi;
  worker?: RunningWorker;
  url: string;
  adminPassword: string;
  apiToken: string;
  startWorker(): Promise<RunningWorker>;
  stop(): Promise<void>;
}

export const DEFAULT_TEST_YAML = `collectors:\n  system:\n    interval: 1s\n`;

/**
 * A whole Vigia in this process: its own database (PostgreSQL or PGlite), its own Redis prefix
 * and queues, an API on a free port and a worker.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigia-stack-'));
  const configFile = join(dataDir, 'monitoring.yaml');
  writeFileSync(configFile, options.yaml ?? DEFAULT_TEST_YAML);
  const database = options.store === 'pglite' ? undefined : await createPostgresDatabase();
  const redis = redisPrefix();
  const adminPassword = 'test-admin-password';
  const apiToken = `static-${Math.random().toString(36).slice(2)}`;
  const config = loadConfig({
    file: configFile,
    env: {
      REDIS_URL: TEST_REDIS_URL,
      VIGIA_DATA_DIR: dataDir,
      ADMIN_PASSWORD: adminPassword,
      API_TOKEN: apiToken,
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...options.env,
    },
  });
  const store = await openStore({ url: config.database.url, dataDir, memory: !database });
  const logger = createLogger('test', options.logLevel ?? 'warn');
  const stack: Stack = {
    config,
    store,
    databaseUrl: database?.url,
    prefix: redis.prefix,
    dataDir,
    url: '',
    adminPassword,
    apiToken,
    async startWorker() {
      return startWorker({ config, store, logger: logger.child('worker'), keyPrefix: redis.prefix, claimIdleMs: options.claimIdleMs ?? 1_000 });
    },
    async stop() {
      await stack.api?.close();
      await stack.worker?.stop();
      await store.close();
      await database?.drop();
      await redis.cleanup();
    },
  };
  if (options.worker !== false) stack.worker = await stack.startWorker();
  if (options.api !== false) {
    stack.api = await startApi({ config, store, logger: logger.child('api'), keyPrefix: redis.prefix, port: options.apiPort ?? 0 });
    stack.url = stack.api.url;
  }
  return stack;
}
