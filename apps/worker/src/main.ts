import { loadConfig } from '@vigia/config';
import { openStore } from '@vigia/db';
import { ensureRedis, lockDataDir, runMain } from '@vigia/runtime';
import { startWorker } from './worker.ts';

// `npm run start:worker`: one worker process. Run as many as you like against one Redis and one PostgreSQL.
await runMain('worker', async (logger) => {
  const config = loadConfig();
  await ensureRedis(config.redis.url, logger);
  const unlock = config.database.url ? () => {} : lockDataDir(config.database.dataDir);
  const store = await openStore({ url: config.database.url, dataDir: config.database.dataDir });
  logger.info('history store ready', { store: store.describe });
  const worker = await startWorker({ config, store, logger });
  return async () => {
    await worker.stop();
    await store.close();
    unlock();
  };
});
