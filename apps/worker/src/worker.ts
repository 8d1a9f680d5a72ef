import { hostname } from 'node:os';
import { parseDuration } from '@vigia/core';
import { ConfigError, formatIssues, type VigiaConfig } from '@vigia/config';
import { HistoryStore, RejectionCounters, type Store } from '@vigia/db';
import { CollectorHealthBoard, JobCounters, RETENTION_EVERY_MS, SampleReader, SampleWriter, SeriesGuard, TickClaims, VersionWatch, connectRedis, redisKeys } from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import { CollectorRunner, type RunnerDeps } from './collector-runner.ts';
import { partRunner, type PartRunner } from './collector-parts.ts';
import { ProbeReloader } from './probe-reloader.ts';
import { startCollectTicks } from './jobs/collect.job.ts';
import { GridTimer } from './grid-timer.ts';
import { removeLegacySchedulers } from './legacy-schedulers.ts';
import { loadPlugins, type PluginSet } from '@vigia/plugin-loader';
import { Persister } from './persister.ts';
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

function buildRunners(config: VigiaConfig, plugins: PluginSet, deps: RunnerDeps, parts: PartRunner[]): Map<string, CollectorRunner> {
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
      for (const part of collector.parts(parsed.data)) {
        const made = partRunner(collector as never, part, config, deps);
        runners.set(made.name, made.runner);
        parts.push(made);
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
 * The worker: loads plugins, runs each collector once per tick across all workers (claimed in
 * Redis), evaluates and delivers alerts, and moves samples from Redis to PostgreSQL history.
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
  const channelTypes = new Set(
    Object.entries(config.channels)
      .filter(([, c]) => c.enabled !== false)
      .map(([name, c]) => c.type ?? name),
  );
  const plugins = await loadPlugins(config.pluginDirs, config.plugins, logger.child('plugins'), (type, name) =>
    type === 'collector' ? config.collectors[name]?.enabled === false : !channelTypes.has(name),
  );
  const runnerDeps: RunnerDeps = { writer, guard, rejections, health, redis, keys, host: config.collection.host, logger: logger.child('collect') };
  const parts: PartRunner[] = [];
  const runners = buildRunners(config, plugins, runnerDeps, parts);
  const hostRunners = [...runners.values()].filter((r) => r.scope === 'host');
  logger.info('collectors ready', {
    collectors: [...runners.values()].map((r) => `${r.collector.name}@${r.intervalMs}ms`).join(',') || 'none',
    ...(hostRunners.length ? { host: config.collection.host } : {}),
  });

  // BullMQ defines its ~50 scripts on the connection a queue is given, and ioredis copies every
  // script onto each MULTI or pipeline made from that connection: shared with the per-collection
  // writes, that copying was a tenth of the worker's CPU. Alerting's queues get their own.
  const connection = connectRedis(config.redis.url, { onError });
  const legacy = await removeLegacySchedulers(connection, keys, config.collection.host);
  if (legacy) logger.info('removed the job schedulers an earlier Vigia ticked collectors with', { schedulers: legacy });
  // Before it was host-scoped a collector reported under its bare name; left there, that entry
  // would look like a collector gone silent and raise Collector Not Reporting for good.
  await Promise.all(hostRunners.map((r) => health.forget(r.collector.name)));

  // Every worker times every collector and retention itself; a claim per tick in Redis makes each
  // run once (per cluster, or per machine for host-scoped collectors).
  const claims = new TickClaims(redis, keys, `${hostname()}:${process.pid}`);
  const ticks = startCollectTicks(runners.values(), claims, counters, logger.child('collect'));
  // Probes made in the dashboard or the API join (and leave) the ticking runners while it runs.
  const probeCollector = config.collectors.probe?.enabled === false ? undefined : plugins.collectors.get('probe')?.plugin;
  const probes = probeCollector?.parts ? new ProbeReloader({ config, store, keys, collector: probeCollector as never, runners, ticks, health, runnerDeps, logger: logger.child('probes') }) : undefined;
  const versions = new VersionWatch(redis, (error) => logger.warn('could not read the stored probes’ and SLOs’ version numbers; kept what is loaded', { error: error.message }));
  await probes?.start(
    parts.filter((p) => p.name.startsWith('probe:')),
    versions,
  );
  let retentionRun: Promise<unknown> = Promise.resolve();
  const retention = new GridTimer(RETENTION_EVERY_MS, (tick) => {
    retentionRun = claims
      .claim('retention', tick, RETENTION_EVERY_MS)
      .then(async (mine) => {
        if (mine) await runRetention(history, new SampleReader(redis, keys), guard, config.retention, logger.child('retention'));
      })
      .catch((error) => logger.warn('retention failed; tried again at the next period', { error: (error as Error).message }));
  }).start();

  const persister = new Persister(blocking, keys, history, logger.child('history'), { flushIntervalMs: config.storage.flushIntervalMs, claimIdleMs, batchSize: config.storage.batchSize });
  await persister.start();
  const alerting = await startAlerting({
    config,
    store,
    redis: connection,
    keys,
    plugins,
    counters,
    versions,
    logger: logger.child('alerts'),
    connect: () => connectRedis(config.redis.url, { onError }),
  });

  // A Redis that restarts without persistence comes back without schedulers: put them back
  // (upserts are idempotent, so every worker doing it is harmless).
  let connectedOnce = false;
  connection.on('ready', () => {
    if (!connectedOnce) return void (connectedOnce = true);
    logger.info('redis is back; restoring job schedulers');
    void alerting.reschedule().catch((error) => logger.warn('could not restore schedulers', { error: (error as Error).message }));
  });
  if (connection.status === 'ready') connectedOnce = true;

  return {
    plugins,
    runners,
    persister,
    alerting,
    async stop() {
      retention.stop();
      await versions.stop();
      await Promise.allSettled([ticks.stop(), retentionRun, alerting.stop()]);
      await persister.stop();
      await Promise.allSettled([...runners.values()].map((r) => r.close()));
      await Promise.allSettled([counters.stop(), rejections.stop()]);
      for (const c of [redis, connection, blocking]) c.disconnect();
    },
  };
}
