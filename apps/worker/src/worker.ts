import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseDuration } from '@vigia/core';
import { ConfigError, formatIssues, type VigiaConfig } from '@vigia/config';
import { HistoryStore, type Store } from '@vigia/db';
import { CollectorHealthBoard, JobCounters, SampleReader, SampleWriter, connectRedis, openQueue, redisKeys } from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import { CollectorRunner } from './collector-runner.ts';
import { loadPlugins, type PluginSet } from './plugin-loader.ts';
import { Persister } from './persister.ts';
import { QUEUES, RETENTION_EVERY_MS, type CollectPayload, type MaintenancePayload } from '@vigia/live';
import { startAlerting, type RunningAlerting } from './alerting.ts';
import { runRetention } from './jobs/retention.job.ts';

export interface WorkerDeps {
  config: VigiaConfig;
  store: Store;
  logger: AppLogger;
  /** Defaults to config.redis.keyPrefix; tests pass a random one. */
  keyPrefix?: string;
  /** How long a dead worker's unwritten history batches wait before another takes them. */
  claimIdleMs?: number;
}

export interface RunningWorker {
  plugins: PluginSet;
  runners: Map<string, CollectorRunner>;
  persister: Persister;
  alerting: RunningAlerting;
  stop(): Promise<void>;
}

function buildRunners(config: VigiaConfig, plugins: PluginSet, deps: ConstructorParameters<typeof CollectorRunner>[4]): Map<string, CollectorRunner> {
  const runners = new Map<string, CollectorRunner>();
  const problems: string[] = [];
  for (const [name, loaded] of plugins.collectors) {
    const settings = config.collectors[name] ?? { enabled: true, options: {} };
    if (!settings.enabled) continue;
    const collector = loaded.plugin;
    const parsed = collector.configSchema ? collector.configSchema.safeParse(settings.options) : { success: true as const, data: settings.options };
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, settings.options).map((p) => `collectors.${name}.${p}`));
      continue;
    }
    const defaultInterval = collector.interval !== undefined ? parseDuration(collector.interval) : null;
    const intervalMs = settings.intervalMs ?? defaultInterval ?? config.collection.intervalMs;
    const ownTimeout = collector.timeout !== undefined ? parseDuration(collector.timeout) : null;
    const timeoutMs = settings.timeoutMs ?? ownTimeout ?? Math.min(Math.max(intervalMs, 2_000), config.collection.timeoutMs);
    runners.set(name, new CollectorRunner(collector as never, parsed.data, intervalMs, timeoutMs, { ...deps, logger: deps.logger }));
  }
  // A collector whose settings do not fit its schema stops the start: running half-configured hides the mistake.
  if (problems.length) throw new ConfigError(config.file, problems);
  return runners;
}

/**
 * The worker: loads plugins, schedules one BullMQ job scheduler per collector (so several
 * workers still collect once per tick), and moves samples from Redis to PostgreSQL history.
 */
export async function startWorker({ config, store, logger, keyPrefix, claimIdleMs }: WorkerDeps): Promise<RunningWorker> {
  const keys = redisKeys(keyPrefix ?? config.redis.keyPrefix);
  const onError = (error: Error) => logger.warn('redis connection problem', { error: error.message });
  const redis = connectRedis(config.redis.url, { onError });
  const blocking = connectRedis(config.redis.url, { onError });
  const history = new HistoryStore(store.sql);
  const writer = new SampleWriter(redis, keys, { liveWindowMs: config.storage.liveWindowMs });
  const health = new CollectorHealthBoard(redis, keys);
  const counters = new JobCounters(redis, keys);

  // Disabled collectors are not even loaded (their dependencies cost memory for nothing).
  const channelTypes = new Set(Object.entries(config.channels).filter(([, c]) => c.enabled !== false).map(([name, c]) => c.type ?? name));
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, logger.child('plugins'), (type, name) =>
    type === 'collector' ? config.collectors[name]?.enabled === false : !channelTypes.has(name),
  );
  const runners = buildRunners(config, plugins, { writer, health, redis, keys, logger: logger.child('collect') });
  logger.info('collectors ready', { collectors: [...runners.values()].map((r) => `${r.collector.name}@${r.intervalMs}ms`).join(',') || 'none' });

  const connection = redis;
  const collectQueue = openQueue<CollectPayload>(QUEUES.collect.name, connection, keys, onError);
  const maintenanceQueue = openQueue<MaintenancePayload>(QUEUES.maintenance.name, connection, keys, onError);
  const schedule = async () => {
    for (const runner of runners.values()) {
      await collectQueue.upsertJobScheduler(
        `collect:${runner.collector.name}`,
        { every: runner.intervalMs },
        { name: 'collect', data: { collector: runner.collector.name }, opts: QUEUES.collect.jobOptions },
      );
    }
    for (const scheduler of await collectQueue.getJobSchedulers()) {
      const name = scheduler.key.replace(/^collect:/, '');
      if (!runners.has(name)) await collectQueue.removeJobScheduler(scheduler.key);
    }
    await maintenanceQueue.upsertJobScheduler('retention', { every: RETENTION_EVERY_MS }, { name: 'retention', data: { task: 'retention' }, opts: QUEUES.maintenance.jobOptions });
  };
  await schedule();

  const workerOptions = { connection: connectRedis(config.redis.url, { onError }), prefix: keys.queues };
  const collectWorker = new Worker<CollectPayload>(
    QUEUES.collect.name,
    async (job: Job<CollectPayload>) => {
      const started = performance.now();
      const { collector } = QUEUES.collect.payload.parse(job.data);
      const runner = runners.get(collector);
      if (!runner) return { skipped: 'not loaded by this worker' };
      // A tick that waited too long behind others is dropped: the next one is due anyway.
      const outcome = await runner.run(Date.now());
      counters.record(QUEUES.collect.name, (performance.now() - started) / 1000);
      return outcome;
    },
    { ...workerOptions, concurrency: Math.max(2, Math.min(runners.size, 8)) },
  );
  const maintenanceWorker = new Worker<MaintenancePayload>(
    QUEUES.maintenance.name,
    async () => runRetention(history, new SampleReader(redis, keys), config.retention, logger.child('retention')),
    { ...workerOptions, connection: connectRedis(config.redis.url, { onError }), concurrency: 1 },
  );
  for (const w of [collectWorker, maintenanceWorker]) w.on('error', (error) => logger.warn('queue worker problem', { error: error.message }));

  const persister = new Persister(blocking, keys, history, logger.child('history'), { flushIntervalMs: config.storage.flushIntervalMs, claimIdleMs, batchSize: config.storage.batchSize });
  await persister.start();
  const alerting = await startAlerting({ config, store, redis, keys, plugins, counters, logger: logger.child('alerts'), connect: () => connectRedis(config.redis.url, { onError }) });

  // A Redis that restarts without persistence comes back without schedulers: put them back
  // (upserts are idempotent, so every worker doing it is harmless).
  let connectedOnce = false;
  redis.on('ready', () => {
    if (!connectedOnce) return void (connectedOnce = true);
    logger.info('redis is back; restoring job schedulers');
    void Promise.all([schedule(), alerting.reschedule()]).catch((error) => logger.warn('could not restore schedulers', { error: (error as Error).message }));
  });
  if (redis.status === 'ready') connectedOnce = true;

  return {
    plugins,
    runners,
    persister,
    alerting,
    async stop() {
      await Promise.allSettled([collectWorker.close(), maintenanceWorker.close(), alerting.stop()]);
      await persister.stop();
      await Promise.allSettled([...runners.values()].map((r) => r.close()));
      await Promise.allSettled([collectQueue.close(), maintenanceQueue.close(), counters.stop()]);
      for (const c of [redis, blocking, workerOptions.connection, maintenanceWorker.opts.connection as Redis]) c.disconnect();
    },
  };
}
