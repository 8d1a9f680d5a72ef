import { Redis } from 'ioredis';
import { AlertStore, Evaluator, buildRules, type Change } from '@vigia/alerting';
import { loadConfig } from '@vigia/config';
import { seriesKey } from '@vigia/core';
import { openStore } from '@vigia/db';
import { SampleReader, SampleWriter, redisKeys, type LiveSample } from '@vigia/live';
import { createLogger } from '@vigia/log';
import { HOOK_CHANNEL, alertingYaml } from './alerting-config.ts';
import { freePort, tempConfig } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { benchSeries } from './bench-series.ts';
import { sleep } from './poll.ts';
import { formatMs } from './report.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const TARGET_MS = 100;
const RULES = 1_000;
const HISTORY_SECONDS = 180;
const STEP_SECONDS = 5;
const WARM_UP_TICKS = 3;
const STEADY_TICKS = 30;
const AFTER_TICKS = 10;
const THRESHOLD = 90;
/** Every 10th block of ten series (0–9, 100–109, …): all three reducers, both `for`s, every metric name. */
const crosses = (i: number) => Math.floor(i / 10) % 10 === 0;

const REDUCERS = [{ reduce: 'last' }, { reduce: 'avg', window: '1m' }, { reduce: 'p95', window: '2m' }] as const;

/** Rule i watches series i alone (its metric name and host label), with a mix of reducers and `for`s. */
function ruleList(): Record<string, unknown>[] {
  return benchSeries(RULES).map((s, i) => ({
    name: `Bench rule ${String(i).padStart(4, '0')}`,
    metric: s.name,
    labels: s.labels,
    operator: '>',
    threshold: THRESHOLD,
    // Half fire at once (an episode, its events and an outbox row in the crossing tick), half go pending.
    for: i % 2 === 0 ? '0s' : '1m',
    severity: 'warning',
    channels: [HOOK_CHANNEL],
    ...REDUCERS[i % 3],
  }));
}

/** AlertStore that adds up the time its calls take, to split a tick into state load, commits and the rest. */
class TimedAlertStore extends AlertStore {
  loadMs = 0;
  commitMs = 0;
  /** Transactions the tick's changes were written in. */
  commits = 0;

  override async loadStates() {
    const t = performance.now();
    try {
      return await super.loadStates();
    } finally {
      this.loadMs += performance.now() - t;
    }
  }

  override async commitMany(changes: Change[], onCommitted?: () => void) {
    const t = performance.now();
    try {
      return await super.commitMany(changes, () => {
        this.commits++;
        onCommitted?.();
      });
    } finally {
      this.commitMs += performance.now() - t;
    }
  }

  reset() {
    this.loadMs = this.commitMs = this.commits = 0;
  }
}

interface TickFigures {
  ms: number;
  /** CPU this process spent in the tick (the evaluator runs here): less sensitive to a busy machine than wall time. */
  cpuMs: number;
  loadStatesMs: number;
  commitMs: number;
  commits: number;
  transitions: number;
  series: number;
}

/** 1,000 rules over 1,000 series, Evaluator.tick in process against real PostgreSQL and Redis. */
export const alertingRulesBenchmark: Benchmark = {
  name: 'alerting-rules',
  expectedSeconds: 60,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      // Nothing listens there: no relay runs in this benchmark, the outbox rows only have to exist.
      const config = tempConfig(alertingYaml({ hookUrl: `http://127.0.0.1:${await freePort()}`, rules: ruleList() }));
      const store = await openStore({ url: databaseUrl });
      const redis = new Redis(REDIS_URL);
      try {
        const vigia = loadConfig({ file: config.file, env: {} });
        const rules = buildRules(vigia);
        const keys = redisKeys(prefix);
        const alertStore = new TimedAlertStore(store.db, vigia.server.publicUrl);
        const evaluator = new Evaluator(rules, vigia, alertStore, redis, keys, createLogger('bench', 'warn'));
        const writer = new SampleWriter(redis, keys, { liveWindowMs: vigia.storage.liveWindowMs });
        const series = benchSeries(RULES);
        const sample = (i: number, timestamp: number, value: number): LiveSample => {
          const { name, labels } = series[i]!;
          return { key: seriesKey(name, labels), name, labels, value, timestamp };
        };

        // A few minutes of history in the live window, one batch per instant, as collection leaves it.
        const now0 = Date.now();
        const writeStarted = performance.now();
        for (let t = now0 - HISTORY_SECONDS * 1000; t <= now0; t += STEP_SECONDS * 1000) {
          await writer.write({ source: 'bench', samples: series.map((_, i) => sample(i, t, Math.round((50 + 15 * Math.sin(i + t / 60_000) + Math.random() * 5) * 100) / 100)) });
        }
        const instants = HISTORY_SECONDS / STEP_SECONDS + 1;
        log(`${rules.length} rules (${RULES} of the file + built-ins), ${RULES} series × ${instants} samples written in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s`);
        // The ingest stream is the persister's queue; nobody drains it here.
        await redis.del(keys.ingest, keys.live);

        const tick = async (): Promise<TickFigures> => {
          alertStore.reset();
          const cpu = process.cpuUsage();
          const result = await evaluator.tick(Date.now());
          const used = process.cpuUsage(cpu);
          return {
            ms: result.durationMs,
            cpuMs: (used.user + used.system) / 1000,
            loadStatesMs: alertStore.loadMs,
            commitMs: alertStore.commitMs,
            commits: alertStore.commits,
            transitions: result.transitions,
            series: result.series,
          };
        };
        for (let i = 0; i < WARM_UP_TICKS; i++) await tick();
        const steady: TickFigures[] = [];
        for (let i = 0; i < STEADY_TICKS; i++) {
          steady.push(await tick());
          await sleep(100);
        }
        const steadyTransitions = steady.reduce((s, t) => s + t.transitions, 0);

        // What the tick reads that is not the engine's own work: every latest value, one HVALS.
        const reader = new SampleReader(redis, keys);
        const readStarted = performance.now();
        await reader.current();
        const readCurrentMs = performance.now() - readStarted;

        // 10 % of the series cross: six samples far above the threshold over the last 30 s, so
        // last, the 1-minute average and the 2-minute p95 all cross.
        const crossing = series.map((_, i) => i).filter(crosses);
        const nowC = Date.now();
        for (let k = 5; k >= 0; k--) await writer.write({ source: 'bench', samples: crossing.map((i) => sample(i, nowC - k * STEP_SECONDS * 1000, 1_000)) });
        await redis.del(keys.ingest, keys.live);
        const crossed = await tick();
        const after: TickFigures[] = [];
        for (let i = 0; i < AFTER_TICKS; i++) {
          after.push(await tick());
          await sleep(100);
        }

        // Every series crosses: the remaining 900 transitions, then steady ticks with all 1,000
        // alerts open, since per-tick work that grows with the open alerts shows only there.
        const nowAll = Date.now();
        for (let k = 5; k >= 0; k--) await writer.write({ source: 'bench', samples: series.map((_, i) => sample(i, nowAll - k * STEP_SECONDS * 1000, 1_000)) });
        await redis.del(keys.ingest, keys.live);
        const allCrossed = await tick();
        const allOpen: TickFigures[] = [];
        for (let i = 0; i < AFTER_TICKS; i++) {
          allOpen.push(await tick());
          await sleep(100);
        }
        const o = distribution(allOpen.map((t) => t.ms));

        const { rows } = await store.sql.query<{ states: number; firing: number; pending: number; alerts: number; notifications: number }>(
          `SELECT (SELECT count(*) FROM alert_states)::int AS states,
                  (SELECT count(*) FROM alert_states WHERE status = 'firing')::int AS firing,
                  (SELECT count(*) FROM alert_states WHERE status = 'pending')::int AS pending,
                  (SELECT count(*) FROM alerts)::int AS alerts,
                  (SELECT count(*) FROM notifications)::int AS notifications`,
        );
        const db = rows[0]!;
        const d = distribution(steady.map((t) => t.ms));
        const a = distribution(after.map((t) => t.ms));
        const pass = d.p95 <= TARGET_MS && steadyTransitions === 0;
        const cpu = distribution(steady.map((t) => t.cpuMs));
        const split = (ts: TickFigures[]) => ({
          loadStatesMs: rounded(distribution(ts.map((t) => t.loadStatesMs))),
          restMs: rounded(distribution(ts.map((t) => t.ms - t.loadStatesMs - t.commitMs))),
        });
        return {
          target: `${RULES.toLocaleString('en-US')} rules over ${RULES.toLocaleString('en-US')} series evaluated in ≤ ${TARGET_MS} ms per tick`,
          pass,
          headline: `steady tick p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)} (target ≤ ${TARGET_MS} ms); crossing tick (${crossed.transitions} transitions) ${formatMs(crossed.ms)}`,
          details: [
            `steady (${STEADY_TICKS} ticks, ${steady[0]?.series} rule × series observations, ${steadyTransitions} transitions): p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}, max ${formatMs(d.max)}; of which loading states p50 ${formatMs(split(steady).loadStatesMs.p50)}; HVALS + parse of the 1,000 latest values alone ${formatMs(readCurrentMs)}; CPU of the evaluator per tick p50 ${formatMs(cpu.p50)}, p95 ${formatMs(cpu.p95)}`,
            `crossing tick: ${crossing.length} series cross → ${crossed.transitions} transitions in ${formatMs(crossed.ms)}: writing them took ${formatMs(crossed.commitMs)} in ${crossed.commits} transaction(s), the rest ${formatMs(crossed.ms - crossed.commitMs)}`,
            `after crossing (${AFTER_TICKS} ticks, ${crossed.transitions} alerts pending or firing): p50 ${formatMs(a.p50)}, max ${formatMs(a.max)}, transitions ${after.reduce((s, t) => s + t.transitions, 0)}`,
            `every series crossing: ${allCrossed.transitions} transitions in ${formatMs(allCrossed.ms)} (writing them ${formatMs(allCrossed.commitMs)} in ${allCrossed.commits} transaction(s)); then with ${RULES} alerts open (${AFTER_TICKS} ticks): p50 ${formatMs(o.p50)}, max ${formatMs(o.max)}`,
            `stored: ${db.firing} firing, ${db.pending} pending, ${db.alerts} episodes, ${db.notifications} outbox rows`,
            ...(d.p95 > TARGET_MS ? [`MISSED: steady p95 over target by ${formatMs(d.p95 - TARGET_MS)}`] : []),
          ],
          figures: {
            rules: rules.length,
            series: RULES,
            reducers: 'rule i: last (i%3=0), avg over 1m (i%3=1), p95 over 2m (i%3=2); for 0s (even i) or 1m (odd i); each rule matches one series by metric name and host label',
            samplesPerSeries: instants,
            steadyTickMs: rounded(d),
            steadyTicksMs: steady.map((t) => Math.round(t.ms * 10) / 10),
            afterCrossingTicksMs: after.map((t) => Math.round(t.ms * 10) / 10),
            steadySplit: split(steady),
            steadyTickCpuMs: rounded(cpu),
            steadyTransitions,
            steadyObservations: steady[0]?.series,
            readCurrentMs: Math.round(readCurrentMs * 100) / 100,
            crossingTick: {
              crossingSeries: crossing.length,
              ms: Math.round(crossed.ms * 100) / 100,
              transitions: crossed.transitions,
              commits: crossed.commits,
              commitMs: Math.round(crossed.commitMs * 100) / 100,
              loadStatesMs: Math.round(crossed.loadStatesMs * 100) / 100,
            },
            afterCrossingTickMs: rounded(a),
            afterCrossingSplit: split(after),
            everySeriesCrossingTick: {
              ms: Math.round(allCrossed.ms * 100) / 100,
              transitions: allCrossed.transitions,
              commits: allCrossed.commits,
              commitMs: Math.round(allCrossed.commitMs * 100) / 100,
            },
            allOpenTickMs: rounded(o),
            allOpenSplit: split(allOpen),
            stored: db,
            targetMs: TARGET_MS,
          },
        };
      } finally {
        redis.disconnect();
        await store.close();
        config.remove();
      }
    }),
};
