import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  AlertStore,
  checkEscalationTargets,
  Escalations,
  Evaluator,
  HistoryRuleObserver,
  OutboxRelay,
  OwnerLease,
  SampleEvaluator,
  SloObserver,
  backoffDelay,
  buildChannels,
  buildRules,
  publishChannels,
  warnSilentSlis,
  warnStatusComponents,
} from '@vigia/alerting';
import { resolveSecretKey } from '@vigia/auth';
import type { VigiaConfig } from '@vigia/config';
import type { Store } from '@vigia/db';
import { LiveFeed, QUEUES, openQueue, type EscalatePayload, type JobCounters, type NotifyPayload, type RedisKeys, type VersionWatch } from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import type { Notifier } from '@vigia/plugin-sdk';
import type { PluginSet } from '@vigia/plugin-loader';
import { escalateJob } from './jobs/escalate.job.ts';
import { evaluateJob } from './jobs/evaluate.job.ts';
import { notifyJob } from './jobs/notify.job.ts';
import { SloReloader } from './slo-reloader.ts';

export interface RunningAlerting {
  evaluator: Evaluator;
  relay: OutboxRelay;
  /** Held by one worker at a time: that worker also evaluates rules as their samples arrive. */
  lease: OwnerLease;
  /** Puts the evaluate scheduler and the channel list back (after Redis lost its data). */
  reschedule(): Promise<void>;
  stop(): Promise<void>;
}

/** How long a crashed worker keeps the evaluation on arrival to itself before another takes it over (the tick goes on meanwhile). */
const ARRIVAL_LEASE_MS = 6_000;

/**
 * The worker's alerting side: an `evaluate` job scheduler (one tick per evaluation interval,
 * whichever worker takes it), evaluation as samples arrive (on the worker holding the lease),
 * the outbox relay, and the delivery queue's processor.
 */
export async function startAlerting(deps: {
  config: VigiaConfig;
  store: Store;
  redis: Redis;
  keys: RedisKeys;
  plugins: PluginSet;
  counters: JobCounters;
  /** Tells the stored SLOs' reloader when they changed. */
  versions: VersionWatch;
  logger: AppLogger;
  connect: () => Redis;
}): Promise<RunningAlerting> {
  const { config, store, redis, keys, logger, counters } = deps;
  const rules = buildRules(config);
  // A step naming a schedule or person in neither monitoring.yaml nor PostgreSQL stops the start.
  await checkEscalationTargets(store.db, config);
  // A status page component naming a probe or rule that exists nowhere only warns: it shows no bar.
  await warnStatusComponents(store.db, config, rules, logger);
  const notifiers = new Map([...deps.plugins.notifiers].map(([name, loaded]) => [name, loaded.plugin as Notifier<unknown>]));
  const { channels, infos } = buildChannels(config, notifiers);
  for (const channel of channels.values()) await channel.notifier.init?.({ config: channel.config, logger: logger.child(channel.name) });
  logger.info('alerting ready', { rules: rules.length, channels: [...channels.keys()].join(',') || 'none' });

  const alertStore = new AlertStore(store.db, config.server.publicUrl);
  // Always there, even without SLOs in the file: the dashboard or the API may add some while it runs.
  const slos = new SloObserver(config.slos, rules, store.sql, logger.child('slo'));
  await warnSilentSlis(config.slos, store.sql, logger);
  const forecasts = new HistoryRuleObserver(rules, store.sql, logger.child('history-rules'));
  const evaluator = new Evaluator(rules, config, alertStore, redis, keys, logger, [slos, ...(forecasts.size ? [forecasts] : [])]);
  const storedSlos = new SloReloader({ config, store, keys, fileRules: rules, evaluator, observer: slos, logger: logger.child('slo') });
  await storedSlos.start(deps.versions);
  const onQueueError = (error: Error) => logger.warn('queue connection problem', { error: error.message });
  const evaluateQueue = openQueue(QUEUES.evaluate.name, redis, keys, onQueueError);
  const notifyQueue = openQueue<NotifyPayload>(QUEUES.notify.name, redis, keys, onQueueError);
  const escalateQueue = openQueue<EscalatePayload>(QUEUES.escalate.name, redis, keys, onQueueError);
  const escalations = new Escalations(escalateQueue, config, store.db);
  const reschedule = async () => {
    await evaluateQueue.upsertJobScheduler('evaluate', { every: config.alerts.evaluation_interval }, { name: 'evaluate', data: {}, opts: QUEUES.evaluate.jobOptions });
    await publishChannels(redis, keys, infos);
    // Escalation steps are delayed jobs: after Redis lost them, those still due come back from PostgreSQL.
    const restored = await escalations.restore(store.db);
    if (restored) logger.info('escalation steps still due, queued again where missing', { steps: restored });
  };
  await reschedule();
  const { delivery } = config.alerts;
  // Links in messages are signed with the API's key, so any API process can check them.
  const links = { secret: resolveSecretKey(config.auth.secretKey, config.database.dataDir), ttlMs: config.alerts.link_ttl };
  const relay = new OutboxRelay(store.db, notifyQueue, logger.child('outbox'));
  relay.jobOptions = { attempts: delivery.attempts, backoff: { type: 'vigia', delay: delivery.backoff } };
  // Between ticks, one worker evaluates each sample as it arrives and each `for` on its deadline.
  // Its writes go through the same version-checked commit as the tick's, so the two never both
  // apply a transition, and notifications still leave through the outbox exactly once.
  const onArrival = new SampleEvaluator(rules, evaluator, alertStore, redis, keys, logger.child('on-arrival'), {
    // Only to catch what others changed that no sample here will (a countdown a tick started):
    // the tick covers the same ground meanwhile, so this can be rare and cheap.
    reloadEveryMs: 30_000,
    onCommitted: () => relay.kick(),
    onEvents: (events) => escalations.follow(events),
  });
  const evaluateWorker = new Worker(QUEUES.evaluate.name, evaluateJob({ evaluator, relay, onArrival, escalations, counters, intervalMs: config.alerts.evaluation_interval }), {
    connection: deps.connect(),
    prefix: keys.queues,
    concurrency: 1,
  });

  let feed: LiveFeed | undefined;
  const lease = new OwnerLease(
    redis,
    keys.alertingOwner,
    `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    ARRIVAL_LEASE_MS,
    async (owned) => {
      if (owned) {
        onArrival.start();
        feed = new LiveFeed(deps.connect(), keys, (error) => logger.warn('live stream connection problem', { error: error.message })).only((payload) => onArrival.wants(payload));
        feed.subscribe((batch) => onArrival.offer(batch));
        // From the newest entry as of now, not from whenever the blocking connection is ready: a
        // sample written in between would otherwise wait for the tick.
        feed.start(await feed.newestId(redis).catch(() => undefined));
        logger.info('evaluating rules as their samples arrive');
      } else {
        await feed?.stop();
        feed = undefined;
        await onArrival.stop();
      }
    },
    logger,
  );

  const escalateWorker = new Worker<EscalatePayload>(QUEUES.escalate.name, escalateJob({ store, alertStore, config, escalations, redis, keys, relay }), {
    connection: deps.connect(),
    prefix: keys.queues,
    concurrency: 5,
  });
  const notifyWorker = new Worker<NotifyPayload>(
    QUEUES.notify.name,
    notifyJob({ store, channels, options: { timeoutMs: delivery.timeout, attempts: delivery.attempts, vigiaUrl: config.server.publicUrl, links }, counters, logger }),
    {
      connection: deps.connect(),
      prefix: keys.queues,
      concurrency: delivery.concurrency,
      // A delivery must outlive its own timeout before the lock lapses, or it would be retried while still running.
      lockDuration: Math.max(delivery.stalled_check, delivery.timeout * 2),
      stalledInterval: delivery.stalled_check,
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => backoffDelay(attemptsMade, delivery.backoff, error) },
    },
  );
  for (const w of [evaluateWorker, notifyWorker, escalateWorker]) w.on('error', (error) => logger.warn('queue worker problem', { error: error.message }));
  relay.start();
  // Commits made elsewhere (the API, another worker) wake this relay at once rather than at its poll.
  const nudges = deps.connect();
  nudges.on('message', () => relay.kick());
  await nudges.subscribe(keys.outboxNudge);
  await lease.start();

  return {
    evaluator,
    relay,
    lease,
    reschedule,
    async stop() {
      await lease.stop();
      nudges.disconnect();
      await relay.stop();
      await Promise.allSettled([evaluateWorker.close(), notifyWorker.close(), escalateWorker.close()]);
      await Promise.allSettled([evaluateQueue.close(), notifyQueue.close(), escalateQueue.close()]);
      for (const c of [evaluateWorker.opts.connection, notifyWorker.opts.connection, escalateWorker.opts.connection] as Redis[]) c.disconnect();
      await Promise.allSettled([...channels.values()].map((c) => c.notifier.close?.()));
    },
  };
}
