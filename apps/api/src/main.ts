import { loadConfig } from '@vigia/config';
import { openStore } from '@vigia/db';
import { ensureRedis, lockDataDir, runMain } from '@vigia/runtime';
import { startApi } from './api.ts';

// `npm run start:api`: one API process. Run several behind a load balancer against one Redis and one PostgreSQL.
await runMain('api', async (logger) => {
  const config = loadConfig();
  await ensureRedis(config.redis.url, logger);
  const unlock = config.database.url ? () => {} : lockDataDir(config.database.dataDir);
  const store = await openStore({ url: config.database.url, dataDir: config.database.dataDir });
  const api = await startApi({ config, store, logger });
  return async () => {
    await api.close();
    await store.close();
    unlock();
  };
});
