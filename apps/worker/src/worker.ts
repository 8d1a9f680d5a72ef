import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseDuration } from '@vigia/core';
import { ConfigError, formatIssues, type VigiaConfig } from '@vigia/config';
import { HistoryStore, RejectionCounters, type Store } from '@vigia/db';
import { CollectorHealthBoard, JobCounters, SampleReader, SampleWriter, SeriesGuard, connectRedis, openQueue, redisKeys } from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import { CollectorRunner } from './collector-runner.ts';
import { plannedTick, upsertAlignedScheduler } from './collect-schedule.ts';
import { loadPlugins, type PluginSet } from './plugin-loader.ts';
import { Persister } from './persister.ts';
import { QUEUES, RETENTION_EVERY_MS, hostCollectQueueName, type CollectPayload, type MaintenancePayload } from '@vigia/live';
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
    if (collector.parts) {
      // Each part (one probe) is a collector of its own: its own scheduler, interval, timeout and health.
      for (const part of collector.parts(parsed.data)) {
        const partName = `${name}:${part.key}`;
        const intervalMs = parseDuration(part.interval) ?? config.collection.intervalMs;
        const timeoutMs = (part.timeout !== undefined ? parseDuration(part.timeout) : null) ?? Math.min(intervalMs, config.collection.timeoutMs);
        runners.set(partName, new CollectorRunner({ ...collector, name: partName } as never, part.config, intervalMs, timeoutMs, deps));
      }
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
  const guard = new SeriesGuard(redis, keys, config.limits);
  const rejections = new RejectionCounters(store.sql, (error) => logger.warn('could not count ingest rejections in PostgreSQL; kept for the next try', { error: error.message }));

  // Disabled collectors are not even loaded (their dependencies cost memory for nothing).
  const channelTypes = new Set(Object.entries(config.channels).filter(([, c]) => c.enabled !== false).map(([name, c]) => c.type ?? name));
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, logger.child('plugins'), (type, name) =>
    type === 'collector' ? config.collectors[name]?.enabled === false : !channelTypes.has(name),
  );
  const runners = buildRunners(config, plugins, { writer, guard, rejections, health, redis, keys, host: config.collection.host, logger: logger.child('collect') });
  const byScope = (scope: CollectorRunner['scope']) => new Map([...runners].filter(([, r]) => r.scope === scope));
  const sharedRunners = byScope('shared');
  const hostRunners = byScope('host');
  logger.info('collectors ready', {
    collectors: [...runners.values()].map((r) => `${r.collector.name}@${r.intervalMs}ms`).join(',') || 'none',
    ...(hostRunners.size ? { host: config.collection.host } : {}),
  });

  // BullMQ defines its ~50 scripts on the connection a queue is given, and ioredis copies every
  // script onto each MULTI or pipeline made from that connection: shared with the per-collection
  // writes, that copying was a tenth of the worker's CPU. Queues and alerting get their own.
  const connection = connectRedis(config.redis.url, { onError });
  const collectQueue = openQueue<CollectPayload>(QUEUES.collect.name, connection, keys, onError);
  const hostQueueName = hostCollectQueueName(config.collection.host);
  const hostQueue = hostRunners.size ? openQueue<CollectPayload>(hostQueueName, connection, keys, onError) : undefined;
  const maintenanceQueue = openQueue<MaintenancePayload>(QUEUES.maintenance.name, connection, keys, onError);
  // Removing the schedulers that are not ours is how a disabled collector stops, and how one that
  // became host-scoped leaves the shared queue, where its old scheduler would tick on any machine.
  const keepOnly = async (queue: Queue<CollectPayload>, wanted: Map<string, CollectorRunner>) => {
    for (const runner of wanted.values()) {
      await upsertAlignedScheduler(queue, `collect:${runner.collector.name}`, runner.intervalMs, {
        name: 'collect',
        data: { collector: runner.collector.name },
        opts: QUEUES.collect.jobOptions,
      });
    }
    for (const scheduler of await queue.getJobSchedulers()) {
      if (!wanted.has(scheduler.key.replace(/^collect:/, ''))) await queue.removeJobScheduler(scheduler.key);
    }
  };
  const schedule = async () => {
    await keepOnly(collectQueue, sharedRunners);
    if (hostQueue) await keepOnly(hostQueue, hostRunners);
    await maintenanceQueue.upsertJobScheduler('retention', { every: RETENTION_EVERY_MS }, { name: 'retention', data: { task: 'retention' }, opts: QUEUES.maintenance.jobOptions });
  };
  await schedule();
  // Before it was host-scoped a collector reported under its bare name; left there, that entry
  // would look like a collector gone silent and raise Collector Not Reporting for good.
  await Promise.all([...hostRunners.values()].map((r) => health.forget(r.collector.name)));

  const workerOptions = { connection: connectRedis(config.redis.url, { onError }), prefix: keys.queues };
  // A job for a collector this worker does not run from that queue can only come from a stale
  // scheduler (another configuration, or from before the collector became host-scoped): running
  // it would collect twice in one tick.
  const collect = (mine: Map<string, CollectorRunner>) => async (job: Job<CollectPayload>) => {
    const started = performance.now();
    const { collector } = QUEUES.collect.payload.parse(job.data);
    const runner = mine.get(collector);
    if (!runner) return { skipped: 'not run from this queue by this worker' };
    // Stamped with the tick it was planned for, not when a worker got to it: one timestamp per
    // tick however late the run, on the interval's grid.
    const outcome = await runner.run(plannedTick(job));
    // Host ticks count as collect jobs too: the count is of collections, whatever queue held them.
    counters.record(QUEUES.collect.name, (performance.now() - started) / 1000);
    return outcome;
  };
  // A queue is consumed only by a worker with collectors to run from it: an idle BullMQ worker
  // still polls Redis.
  const collectWorker = sharedRunners.size
    ? new Worker<CollectPayload>(QUEUES.collect.name, collect(sharedRunners), { ...workerOptions, concurrency: Math.max(2, Math.min(sharedRunners.size, 8)) })
    : undefined;
  // Every host runner may run at once: probes (a runner each) mostly wait on the network, and a few
  // hanging until their timeout must not hold back the other probes' ticks.
  const hostWorker = hostQueue
    ? new Worker<CollectPayload>(hostQueueName, collect(hostRunners), { ...workerOptions, connection: connectRedis(config.redis.url, { onError }), concurrency: Math.min(hostRunners.size, 256) })
    : undefined;
  const maintenanceWorker = new Worker<MaintenancePayload>(
    QUEUES.maintenance.name,
    async () => runRetention(history, new SampleReader(redis, keys), guard, config.retention, logger.child('retention')),
    { ...workerOptions, connection: connectRedis(config.redis.url, { onError }), concurrency: 1 },
  );
  const queueWorkers = [collectWorker, maintenanceWorker, hostWorker].filter((w) => w !== undefined);
  for (const w of queueWorkers) w.on('error', (error) => logger.warn('queue worker problem', { error: error.message }));

  const persister = new Persister(blocking, keys, history, logger.child('history'), { flushIntervalMs: config.storage.flushIntervalMs, claimIdleMs, batchSize: config.storage.batchSize });
  await persister.start();
  const alerting = await startAlerting({ config, store, redis: connection, keys, plugins, counters, logger: logger.child('alerts'), connect: () => connectRedis(config.redis.url, { onError }) });

  // A Redis that restarts without persistence comes back without schedulers: put them back
  // (upserts are idempotent, so every worker doing it is harmless).
  let connectedOnce = false;
  connection.on('ready', () => {
    if (!connectedOnce) return void (connectedOnce = true);
    logger.info('redis is back; restoring job schedulers');
    void Promise.all([schedule(), alerting.reschedule()]).catch((error) => logger.warn('could not restore schedulers', { error: (error as Error).message }));
  });
  if (connection.status === 'ready') connectedOnce = true;

  return {
    plugins,
    runners,
    persister,
    alerting,
    async stop() {
      await Promise.allSettled([...queueWorkers.map((w) => w.close()), alerting.stop()]);
      await persister.stop();
      await Promise.allSettled([...runners.values()].map((r) => r.close()));
      await Promise.allSettled([collectQueue.close(), hostQueue?.close(), maintenanceQueue.close(), counters.stop(), rejections.stop()]);
      for (const c of [redis, connection, blocking, workerOptions.connection, ...[maintenanceWorker, hostWorker].map((w) => w?.opts.connection as Redis | undefined)]) c?.disconnect();
    },
  };
}
