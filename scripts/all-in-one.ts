import { loadConfig } from '@vigia/config';
import { openStore } from '@vigia/db';
import { ensureRedis, lockDataDir, runMain } from '@vigia/runtime';
import { startApi } from '../apps/api/src/api.ts';
import { startWorker } from '../apps/worker/src/index.ts';

// `npm start`: everything in one process (API, worker, dashboard) with the embedded database
// unless DATABASE_URL is set. This file is the composition root; the apps stay independent.
await runMain('vigia', async (logger) => {
  const config = loadConfig();
  const redisChild = await ensureRedis(config.redis.url, logger, { mayStart: true });
  const unlock = config.database.url ? () => {} : lockDataDir(config.database.dataDir);
  const store = await openStore({ url: config.database.url, dataDir: config.database.dataDir });
  logger.info('history store ready', { store: store.describe });
  const worker = await startWorker({ config, store, logger: logger.child('worker') });
  const api = await startApi({ config, store, logger: logger.child('api') });
  process.stdout.write(`\n  Vigia is running: ${config.server.publicUrl}  (Ctrl-C stops it)\n\n`);
  return async () => {
    await api.close();
    await worker.stop();
    await store.close();
    unlock();
    redisChild?.kill();
  };
});
