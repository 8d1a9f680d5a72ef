import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { prometheusName } from '@vigia/core';
import { metricType } from '@vigia/plugin-sdk';
import { QUEUES, openQueue, type LiveSample } from '@vigia/live';
import { readSloStatus } from '@vigia/alerting';
import { authenticate, presentedCredentials, unauthenticatedMessage } from './context.ts';
import type { ApiDeps } from './deps.ts';
import { loadSchedules } from '@vigia/alerting';
import { scheduleSummaries } from './oncall-view.ts';
import { catalogSlos } from './slo-catalog.ts';
import { registerEventLoopLag } from './event-loop-lag.ts';

// Names Vigia's own exposition uses; a collected series with one of these prefixes would clash.
const RESERVED_PREFIXES = ['vigia_', 'process_', 'nodejs_'];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

function addCollectedSeries(registry: Registry, samples: LiveSample[], descriptors: Awaited<ReturnType<ApiDeps['reader']['descriptors']>>): void {
  const byName = new Map<string, LiveSample[]>();
  for (const s of samples) {
    if (RESERVED_PREFIXES.some((p) => s.name.startsWith(p))) continue;
    let list = byName.get(s.name);
    if (!list) byName.set(s.name, (list = []));
    list.push(s);
  }
  for (const [vigiaName, list] of byName) {
    const descriptor = descriptors[vigiaName];
    const { name, factor } = prometheusName(vigiaName);
    const labelNames = [...new Set(list.flatMap((s) => Object.keys(s.labels)))].sort();
    const unit = descriptor?.unit ?? list[0]?.unit;
    const help = `${descriptor?.help ?? `${vigiaName} as collected by Vigia`}${factor !== 1 ? ` (Vigia name ${vigiaName}, converted to seconds)` : unit && !descriptor ? ` (${unit})` : ''}`;
    if (metricType(vigiaName, descriptor) === 'counter') {
      const counter = new Counter({ name, help, labelNames, registers: [registry] });
      for (const s of list) if (s.value >= 0) counter.inc(s.labels, s.value * factor);
    } else {
      const gauge = new Gauge({ name, help, labelNames, registers: [registry] });
      for (const s of list) gauge.set(s.labels, s.value * factor);
    }
  }
}

async function addOwnMetrics(registry: Registry, deps: ApiDeps, queues: Queue[]): Promise<void> {
  const [health, counters, rejections, backlog, counts, active] = await Promise.all([
    deps.health.list(),
    deps.redis.hgetall(deps.keys.counters),
    deps.rejections.totals(),
    deps.redis.xlen(deps.keys.ingest),
    Promise.all(queues.map((q) => q.getJobCounts(...QUEUE_STATES))),
    deps.alerts.activeCounts(),
  ]);
  const registers = [registry];
  const up = new Gauge({ name: 'vigia_collector_up', help: '1 when the collector’s last run succeeded', labelNames: ['collector'], registers });
  const runs = new Counter({ name: 'vigia_collector_runs_total', help: 'Collector runs', labelNames: ['collector'], registers });
  const errors = new Counter({ name: 'vigia_collector_errors_total', help: 'Collector runs that failed or timed out', labelNames: ['collector'], registers });
  const duration = new Gauge({ name: 'vigia_collector_last_duration_seconds', help: 'Duration of the collector’s last run', labelNames: ['collector'], registers });
  for (const h of health) {
    up.set({ collector: h.name }, h.status === 'ok' ? 1 : 0);
    runs.inc({ collector: h.name }, h.runsTotal);
    errors.inc({ collector: h.name }, h.errorsTotal);
    if (h.lastDurationMs !== undefined) duration.set({ collector: h.name }, h.lastDurationMs / 1000);
  }
  const rejected = new Counter({ name: 'vigia_ingest_rejected_total', help: 'Samples and push requests refused at ingestion, by reason', labelNames: ['reason'], registers });
  const jobs = new Counter({ name: 'vigia_jobs_total', help: 'Jobs processed by the workers, by queue', labelNames: ['queue'], registers });
  const jobSeconds = new Counter({
    name: 'vigia_job_duration_seconds_total',
    help: 'Time spent processing jobs, by queue (divide by vigia_jobs_total for the mean)',
    labelNames: ['queue'],
    registers,
  });
  for (const [field, value] of Object.entries(counters)) {
    const [kind, label] = field.split(':', 2) as [string, string];
    if (kind === 'jobs') jobs.inc({ queue: label }, Number(value));
    else if (kind === 'job_seconds') jobSeconds.inc({ queue: label }, Number(value));
  }
  for (const [reason, n] of rejections) rejected.inc({ reason }, n);
  new Gauge({ name: 'vigia_history_backlog_batches', help: 'Sample batches waiting in Redis to be written to PostgreSQL', registers }).set(backlog);
  const depth = new Gauge({ name: 'vigia_queue_jobs', help: 'Jobs in each BullMQ queue by state', labelNames: ['queue', 'state'], registers });
  queues.forEach((q, i) => {
    for (const state of QUEUE_STATES) depth.set({ queue: q.name, state }, counts[i]![state] ?? 0);
  });
  const alertsGauge = new Gauge({ name: 'vigia_alerts', help: 'Open alert episodes by rule, severity and state (firing, acknowledged)', labelNames: ['rule', 'severity', 'state'], registers });
  for (const rule of deps.rules) alertsGauge.set({ rule: rule.name, severity: rule.severity, state: 'firing' }, 0);
  for (const a of active) alertsGauge.set({ rule: a.rule, severity: a.severity, state: a.status }, a.n);
  const oncall = new Gauge({ name: 'vigia_oncall_shift', help: '1 for the person on call now in each on-call schedule', labelNames: ['schedule', 'user'], registers });
  const now = Date.now();
  for (const s of scheduleSummaries(await loadSchedules(deps.store.db, deps.config, now, now + 1), now)) if (s.now) oncall.set({ schedule: s.name, user: s.now.user }, 1);
  new Gauge({ name: 'vigia_live_subscribers', help: 'Live subscriptions open on this API process', registers }).set(deps.liveSubscribers.count);
  await addSloMetrics(registry, deps);
}

/** Each SLO's budget left and burn rates; an SLO without data has no sample (absent, not 0). */
async function addSloMetrics(registry: Registry, deps: ApiDeps): Promise<void> {
  const slos = await catalogSlos(deps);
  if (!slos.length) return;
  const now = Date.now();
  const statuses = await Promise.all(slos.map(({ slo }) => readSloStatus(deps.store.sql, slo, now)));
  const registers = [registry];
  const budget = new Gauge({
    name: 'vigia_slo_error_budget_remaining',
    help: 'Share of the SLO’s error budget left over its window, percent (negative once overspent)',
    labelNames: ['slo'],
    registers,
  });
  const burn = new Gauge({
    name: 'vigia_slo_burn_rate',
    help: 'How many times faster than its objective allows the SLO spends its error budget, per window',
    labelNames: ['slo', 'window'],
    registers,
  });
  for (const s of statuses) {
    if (s.budget) budget.set({ slo: s.name }, s.budget.remaining);
    for (const [window, rate] of Object.entries(s.burnRates)) if (rate !== null) burn.set({ slo: s.name, window }, rate);
  }
}

/** `GET /metrics`: every collected series plus Vigia's own, in Prometheus' text format. */
export function prometheusRoute(app: FastifyInstance, deps: ApiDeps): { close(): Promise<void> } {
  const processRegistry = new Registry();
  // prom-client's own loop timer (10 ms by default) is slowed to once an hour: its figures are
  // replaced by registerEventLoopLag's, which cost a wake-up a second.
  collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 3_600_000 });
  const stopLag = registerEventLoopLag(processRegistry);
  // prom-client names these gauges `…_total`, which promtool rightly flags; the handle and
  // request counts add nothing the other process metrics do not already say.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) processRegistry.removeSingleMetric(name);
  const queues = Object.values(QUEUES).map(({ name }) => openQueue(name, deps.redis, deps.keys, (error) => deps.logger.warn('queue connection problem', { error: error.message })));

  app.get('/metrics', async (req, reply) => {
    if (!deps.config.auth.metricsPublic && !(await authenticate(deps, req))) {
      const presented = presentedCredentials(req);
      // The METRICS_PUBLIC hint only helps someone who sent nothing; a wrong token needs fixing, not bypassing.
      const hint = presented === null ? ' (or set METRICS_PUBLIC=true)' : '';
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: `${unauthenticatedMessage(presented)}${hint}` });
    }
    const scrape = new Registry();
    const [samples, descriptors] = await Promise.all([deps.reader.current({ staleAfterMs: deps.config.storage.staleAfterMs }), deps.reader.descriptors()]);
    // A stale series is gone, as Prometheus itself would say, rather than frozen at its last value.
    addCollectedSeries(
      scrape,
      samples.filter((s) => !s.stale),
      descriptors,
    );
    await addOwnMetrics(scrape, deps, queues);
    const merged = Registry.merge([processRegistry, scrape]);
    return reply.header('content-type', merged.contentType).send(await merged.metrics());
  });
  return {
    close: async () => {
      stopLag();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
