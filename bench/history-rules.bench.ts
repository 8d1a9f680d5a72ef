import { Redis } from 'ioredis';
import { AlertStore, Evaluator, HistoryRuleObserver, buildRules } from '@vigia/alerting';
import { loadConfig } from '@vigia/config';
import { seriesKey } from '@vigia/core';
import { HistoryStore, openStore, type StoredSample } from '@vigia/db';
import { SampleWriter, redisKeys } from '@vigia/live';
import { createLogger } from '@vigia/log';
import { HOOK_CHANNEL, alertingYaml } from './alerting-config.ts';
import { freePort, tempConfig } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { formatMs } from './report.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const TARGET_MS = 50;
const THRESHOLD_RULES = 100;
const PREDICT_RULES = 50;
const BASELINE_RULES = 50;
const MIN = 60_000;
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const STEP_MS = 5_000;
/** Ticks at the evaluation interval over ten minutes: ten of them start a new minute (the history is read then). */
const TICKS = 120;

function rules(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < THRESHOLD_RULES; i++)
    out.push({ name: `Threshold ${i}`, metric: 'bench_gauge', labels: { n: String(i) }, operator: '>', threshold: 1e9, severity: 'warning', channels: [HOOK_CHANNEL] });
  for (let i = 0; i < PREDICT_RULES; i++)
    out.push({ name: `Predict ${i}`, metric: 'bench_disk', labels: { n: String(i) }, predict: { over: '6h', within: '24h', value: 1e9 }, severity: 'warning', channels: [HOOK_CHANNEL] });
  for (let i = 0; i < BASELINE_RULES; i++)
    out.push({
      name: `Baseline ${i}`,
      metric: 'bench_orders',
      labels: { n: String(i) },
      baseline: { weeks: 4, window: '15m', direction: 'below', factor: 1e6 },
      severity: 'warning',
      channels: [HOOK_CHANNEL],
    });
  return out;
}

/**
 * The cost of forecast and baseline rules on the evaluation tick, against threshold rules alone:
 * Evaluator.tick in process, real PostgreSQL and Redis, 100 threshold rules with and without 50
 * predict (6 h of minutes each) and 50 baseline rules (4 past weeks each).
 */
export const historyRulesBenchmark: Benchmark = {
  name: 'history-rules',
  expectedSeconds: 90,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const config = tempConfig(alertingYaml({ hookUrl: `http://127.0.0.1:${await freePort()}`, rules: rules() }));
      const store = await openStore({ url: databaseUrl });
      const redis = new Redis(REDIS_URL);
      try {
        const vigia = loadConfig({ file: config.file, env: {} });
        const all = buildRules(vigia);
        const thresholdOnly = all.filter((r) => !r.predict && !r.baseline);
        const start = Math.floor(Date.now() / MIN) * MIN;
        const end = start + TICKS * STEP_MS + MIN;

        // History the rules read: 6 h (and the ticks' ten minutes) of each disk, and each order
        // series around this time in each of the past four weeks and now.
        const samples: StoredSample[] = [];
        for (let i = 0; i < PREDICT_RULES; i++)
          for (let t = start - 6 * HOUR; t < end; t += MIN) samples.push({ name: 'bench_disk', labels: { n: String(i) }, value: 50 + (t - start) / HOUR + Math.random(), timestamp: t });
        for (let i = 0; i < BASELINE_RULES; i++) {
          for (let k = 0; k <= 4; k++)
            for (let t = start - k * WEEK - 20 * MIN; t < end - k * WEEK; t += MIN) samples.push({ name: 'bench_orders', labels: { n: String(i) }, value: 100 + 10 * Math.random(), timestamp: t });
        }
        const written = performance.now();
        const history = new HistoryStore(store.sql);
        for (let i = 0; i < samples.length; i += 20_000) await history.insert(samples.slice(i, i + 20_000));
        log(`${samples.length.toLocaleString('en-US')} samples of history stored in ${((performance.now() - written) / 1000).toFixed(1)} s`);

        const keys = redisKeys(prefix);
        const writer = new SampleWriter(redis, keys, { liveWindowMs: vigia.storage.liveWindowMs });
        const logger = createLogger('bench', 'warn');
        const run = async (withHistory: boolean) => {
          const alertStore = new AlertStore(store.db, vigia.server.publicUrl);
          const observer = new HistoryRuleObserver(all, store.sql, logger);
          const evaluator = withHistory ? new Evaluator(all, vigia, alertStore, redis, keys, logger, [observer]) : new Evaluator(thresholdOnly, vigia, alertStore, redis, keys, logger);
          const ticks: { ms: number; newMinute: boolean; series: number }[] = [];
          let minute = -1;
          for (let k = 0; k < TICKS; k++) {
            // Ticks land 1 s into their interval, as the scheduler's do; fresh threshold samples each time.
            const now = start + k * STEP_MS + 1_000;
            await writer.write({
              source: 'bench',
              samples: Array.from({ length: THRESHOLD_RULES }, (_, i) => ({
                key: seriesKey('bench_gauge', { n: String(i) }),
                name: 'bench_gauge',
                labels: { n: String(i) },
                value: 50,
                timestamp: now,
              })),
            });
            await redis.del(keys.ingest, keys.live);
            const result = await evaluator.tick(now);
            const m = Math.floor(now / MIN);
            ticks.push({ ms: result.durationMs, newMinute: m !== minute, series: result.series });
            minute = m;
          }
          return ticks;
        };
        // The first run warms PostgreSQL's caches for both; then each measured once.
        await run(true);
        const base = await run(false);
        const withHistory = await run(true);
        const b = distribution(base.slice(1).map((t) => t.ms));
        const h = distribution(withHistory.slice(1).map((t) => t.ms));
        const cold = withHistory[0]!.ms;
        const minuteTicks = distribution(
          withHistory
            .slice(1)
            .filter((t) => t.newMinute)
            .map((t) => t.ms),
        );
        const otherTicks = distribution(
          withHistory
            .slice(1)
            .filter((t) => !t.newMinute)
            .map((t) => t.ms),
        );
        const added = h.p95 - b.p95;
        return {
          target: `${PREDICT_RULES + BASELINE_RULES} predict/baseline rules add ≤ ${TARGET_MS} ms to a tick's p95`,
          pass: added <= TARGET_MS,
          headline: `tick p95 ${formatMs(h.p95)} with them vs ${formatMs(b.p95)} with the ${THRESHOLD_RULES} threshold rules alone: +${formatMs(added)} (target ≤ ${TARGET_MS} ms)`,
          details: [
            `threshold rules alone (${TICKS - 1} ticks): p50 ${formatMs(b.p50)}, p95 ${formatMs(b.p95)}, max ${formatMs(b.max)}`,
            `with ${PREDICT_RULES} predict + ${BASELINE_RULES} baseline rules: p50 ${formatMs(h.p50)}, p95 ${formatMs(h.p95)}, max ${formatMs(h.max)} (${withHistory[1]!.series} observations a tick)`,
            `ticks that start a minute (history read, only the new minutes): p50 ${formatMs(minuteTicks.p50)}, max ${formatMs(minuteTicks.max)}; the others (cached): p50 ${formatMs(otherTicks.p50)}`,
            `first tick (cold cache: 6 h of minutes per forecast, 5 windows per baseline): ${formatMs(cold)}`,
          ],
          figures: {
            thresholdOnlyTickMs: rounded(b),
            withHistoryRulesTickMs: rounded(h),
            addedP95Ms: Math.round(added * 100) / 100,
            minuteTicksMs: rounded(minuteTicks),
            cachedTicksMs: rounded(otherTicks),
            coldTickMs: Math.round(cold * 100) / 100,
            rules: { threshold: THRESHOLD_RULES, predict: PREDICT_RULES, baseline: BASELINE_RULES },
            historySamples: samples.length,
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
