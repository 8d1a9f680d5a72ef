import { join } from 'node:path';
import { REPO_ROOT, type VigiaConfig } from '@vigia/config';
import { HistoryStore, RejectionCounters, StatusIncidents, type Store } from '@vigia/db';
import { AlertStore, Escalations, buildRules, type AlertEvent } from '@vigia/alerting';
import {
  CollectorHealthBoard,
  LiveFeed,
  QUEUES,
  SampleReader,
  SampleWriter,
  SeriesGuard,
  StreamFeed,
  connectRedis,
  openQueue,
  openQueueEvents,
  redisKeys,
  type EscalatePayload,
  type NotifyPayload,
} from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import { AuthService, ensureAdmin, resolveSecretKey } from '@vigia/auth';
import { loadPlugins } from '@vigia/plugin-loader';
import type { Notifier } from '@vigia/plugin-sdk';
import { LoginLimiter } from './auth/login-limiter.ts';
import type { ApiDeps } from './deps.ts';
import { buildServer } from './server.ts';
import { startIncidentSync } from './status/incident-sync.ts';
import { StatusPageCache } from './status/status-page-cache.ts';

export const WEB_DIST = join(REPO_ROOT, 'apps/web/dist');

export interface ApiOptions {
  config: VigiaConfig;
  store: Store;
  logger: AppLogger;
  keyPrefix?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  webDist?: string;
}

export interface RunningApi {
  url: string;
  deps: ApiDeps;
  close(): Promise<void>;
}

export async function startApi({ config, store, logger, keyPrefix, port, webDist }: ApiOptions): Promise<RunningApi> {
  // Notifiers only, for their inbound routes (Slack's buttons and slash command) and message
  // previews: the worker sends.
  // First, so that two plugins of one name stop the start before any connection is open.
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, logger.child('plugins'), (type) => type === 'collector');
  const keys = redisKeys(keyPrefix ?? config.redis.keyPrefix);
  const onError = (error: Error) => logger.warn('redis connection problem', { error: error.message });
  const redis = connectRedis(config.redis.url, { onError });
  const feed = new LiveFeed(connectRedis(config.redis.url, { onError }), keys, (error) => logger.warn('live feed interrupted; resuming', { error: error.message }));
  const secretKey = resolveSecretKey(config.auth.secretKey, config.database.dataDir);
  const auth = new AuthService(store.db, {
    secretKey,
    sessionTtlMs: config.auth.sessionTtlMs,
    staticToken: config.auth.apiToken,
  });
  await ensureAdmin(auth, config.auth.adminUser, config.auth.adminPassword, logger);
  const alertFeed = new StreamFeed<AlertEvent>(connectRedis(config.redis.url, { onError }), keys.alertEvents, (error) => logger.warn('alert feed interrupted; resuming', { error: error.message }));
  const notifyQueue = openQueue<NotifyPayload>(QUEUES.notify.name, redis, keys, onError);
  const escalateQueue = openQueue<EscalatePayload>(QUEUES.escalate.name, redis, keys, onError);
  const notifyEvents = openQueueEvents(QUEUES.notify.name, connectRedis(config.redis.url, { onError }), keys, onError);
  const deps: ApiDeps = {
    config,
    store,
    history: new HistoryStore(store.sql),
    redis,
    keys,
    reader: new SampleReader(redis, keys),
    writer: new SampleWriter(redis, keys, { liveWindowMs: config.storage.liveWindowMs }),
    guard: new SeriesGuard(redis, keys, config.limits),
    rejections: new RejectionCounters(store.sql, (error) => logger.warn('could not count ingest rejections in PostgreSQL; kept for the next try', { error: error.message })),
    feed,
    health: new CollectorHealthBoard(redis, keys),
    alerts: new AlertStore(store.db, config.server.publicUrl),
    alertFeed,
    rules: buildRules(config),
    notifyQueue,
    notifyEvents,
    escalations: new Escalations(escalateQueue, config, store.db),
    auth,
    secretKey,
    loginLimiter: new LoginLimiter(redis, keys),
    logger,
    startedAt: Date.now(),
    liveSubscribers: { count: 0 },
    statusIncidents: new StatusIncidents(store.db),
    statusPage: null,
    notifiers: new Map([...plugins.notifiers].map(([name, loaded]) => [name, loaded.plugin as Notifier<unknown>])),
  };
  feed.startOnDemand();
  alertFeed.startOnDemand();
  let stopIncidentSync = async () => {};
  if (config.statusPage.enabled) {
    const page = new StatusPageCache(deps, deps.statusIncidents);
    deps.statusPage = page;
    await page.start();
    stopIncidentSync = startIncidentSync(deps, deps.statusIncidents, () => void page.rebuild());
  }
  const app = await buildServer(deps, webDist ?? WEB_DIST, deps.notifiers.values() as Iterable<Notifier>);
  const address = await app.listen({ host: config.server.host, port: port ?? config.server.port });
  const url = address.replace('[::1]', '127.0.0.1');
  logger.info('listening', { url });
  return {
    url,
    deps,
    async close() {
      await app.close();
      await stopIncidentSync();
      await deps.statusPage?.stop();
      await deps.rejections.stop();
      await Promise.all([feed.stop(), alertFeed.stop(), notifyQueue.close(), escalateQueue.close(), notifyEvents.close()]);
      redis.disconnect();
    },
  };
}
