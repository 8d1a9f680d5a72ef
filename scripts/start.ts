import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, REPO_ROOT } from '@vigia/config';
import { openStore } from '@vigia/db';
import { ensureRedis, lockDataDir, runMain } from '@vigia/runtime';
import { startApi, WEB_DIST } from '../apps/api/src/api.ts';
import { startWorker } from '../apps/worker/src/index.ts';

// `npm start`: everything in one process (API, worker, dashboard) with the embedded database
// unless DATABASE_URL is set. This script is the composition root; the apps stay independent.

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildDashboardIfStale(log: (m: string) => void): void {
  const web = join(REPO_ROOT, 'apps/web');
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(web)) return;
  log('building the dashboard (first start, or its sources changed)…');
  const result = spawnSync('npm', ['run', 'build', '--workspace', '@vigia/web'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('the dashboard build failed (see above)');
}

await runMain('vigia', async (logger) => {
  const config = loadConfig();
  const redisChild = await ensureRedis(config.redis.url, logger, { mayStart: true });
  buildDashboardIfStale((m) => logger.info(m));
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
