import { planRange } from '@vigia/core';
import { loadConfig } from '@vigia/config';
import { HistoryStore, openStore } from '@vigia/db';
import { trpcClient } from '../e2e/src/client.ts';
import { startApiProcess } from './api-process.ts';
import { tempConfig } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { benchSeries } from './bench-series.ts';
import { fillHistory } from './history-fill.ts';
import { formatMs } from './report.ts';
import { withScratch } from './scratch.ts';
import { distribution, mean, rounded, seededRandom } from './stats.ts';

const TARGET_P95_MS = 20;
const SERIES = 1_000;
const DAYS = 7;
const WINDOW_MS = 24 * 3_600_000;
const MAX_POINTS = 1_000;
const WARM_UP_QUERIES = 20;
const QUERIES = 250;

/** metrics.history for 24 h of one series, out of 1,000 series × 7 days at one sample a minute. */
export const historyBenchmark: Benchmark = {
  name: 'history',
  expectedSeconds: 100,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const store = await openStore({ url: databaseUrl, poolSize: 2 });
      const config = tempConfig('collectors: {}\n');
      let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
      try {
        const series = benchSeries(SERIES);
        const history = new HistoryStore(store.sql);
        // The series rows come from the insert path itself; only the samples are generated in SQL.
        await history.seriesIds(series.map((s) => ({ ...s, unit: '%' })));
        const filledTo = Math.floor(Date.now() / 60_000) * 60_000;
        log(`filling ${SERIES} series × ${DAYS} days at 1 min (${(SERIES * DAYS * 1440).toLocaleString('en-US')} raw rows)`);
        const fill = await fillHistory(databaseUrl, new Date(filledTo - DAYS * 86_400_000), new Date(filledTo), log);

        // The API process reads an identical file, so both paths plan the same resolution.
        const { retention } = loadConfig({ file: config.file, env: {} });
        api = await startApiProcess(databaseUrl, prefix);
        const client = trpcClient(api.url, api.token);
        const random = seededRandom(20_240_601);
        const pick = () => series[Math.floor(random() * series.length)]!;

        const viaApi = async () => {
          const s = pick();
          const to = Date.now();
          const started = performance.now();
          const result = await client.metrics.history.query({ name: s.name, labels: s.labels, from: to - WINDOW_MS, to, maxPoints: MAX_POINTS });
          const ms = performance.now() - started;
          if (result.series.length !== 1) throw new Error(`metrics.history returned ${result.series.length} series for ${s.name}${JSON.stringify(s.labels)}`);
          return { ms, points: result.series[0]!.points.length, resolution: result.resolution, bucketMs: result.bucketMs };
        };
        const direct = async () => {
          const s = pick();
          const to = Date.now();
          const from = to - WINDOW_MS;
          const started = performance.now();
          const plan = planRange(from, to, MAX_POINTS, to, retention);
          const result = await history.range(s.name, s.labels, from, to, plan);
          const ms = performance.now() - started;
          if (result.length !== 1) throw new Error(`HistoryStore.range returned ${result.length} series`);
          return { ms, points: result[0]!.points.length, resolution: plan.resolution, bucketMs: plan.bucketMs };
        };

        for (let i = 0; i < WARM_UP_QUERIES; i++) {
          await viaApi();
          await direct();
        }
        // Alternating, so both paths see the same machine load; each picks its own random series.
        const apiRuns: Awaited<ReturnType<typeof viaApi>>[] = [];
        const directRuns: Awaited<ReturnType<typeof direct>>[] = [];
        for (let i = 0; i < QUERIES; i++) {
          apiRuns.push(await viaApi());
          directRuns.push(await direct());
        }
        const apiMs = distribution(apiRuns.map((r) => r.ms));
        const directMs = distribution(directRuns.map((r) => r.ms));
        const plan = apiRuns[0]!;
        const pass = apiMs.p95 <= TARGET_P95_MS;
        const over = apiMs.p95 - TARGET_P95_MS;
        return {
          target: `metrics.history for 24 h of one series out of ${SERIES.toLocaleString('en-US')} series × ${DAYS} days stored: p95 ≤ ${TARGET_P95_MS} ms`,
          pass,
          headline: `tRPC metrics.history p95 ${formatMs(apiMs.p95)} (target ≤ ${TARGET_P95_MS} ms); HistoryStore.range p95 ${formatMs(directMs.p95)}`,
          details: [
            `tRPC metrics.history (API process, HTTP): p50 ${formatMs(apiMs.p50)}, p95 ${formatMs(apiMs.p95)}, p99 ${formatMs(apiMs.p99)}, max ${formatMs(apiMs.max)} over ${apiMs.count} queries`,
            `HistoryStore.range + planRange (in process): p50 ${formatMs(directMs.p50)}, p95 ${formatMs(directMs.p95)}, p99 ${formatMs(directMs.p99)}, max ${formatMs(directMs.max)}`,
            `plan: ${plan.resolution} rollup, ${plan.bucketMs / 1000} s buckets, ${Math.round(mean(apiRuns.map((r) => r.points)))} points per answer`,
            `fill (SQL generate_series, rollups from the raw rows): raw ${fill.rawSeconds} s, 1m ${fill.rollup1mSeconds} s, 1h ${fill.rollup1hSeconds} s, VACUUM ANALYZE ${fill.vacuumAnalyzeSeconds} s; rows ${JSON.stringify(fill.rows)}`,
            ...(pass ? [] : [`MISSED: p95 over target by ${formatMs(over)} (${((over / TARGET_P95_MS) * 100).toFixed(0)} %)`]),
          ],
          figures: {
            stored: { series: SERIES, days: DAYS, resolution: '1 sample per minute', rows: fill.rows },
            fill: { method: "SQL generate_series into samples_raw, rollups by the insert path's GROUP BY from samples_raw, then VACUUM ANALYZE", ...fill },
            query: {
              windowHours: WINDOW_MS / 3_600_000,
              maxPoints: MAX_POINTS,
              warmUpQueries: WARM_UP_QUERIES,
              queries: QUERIES,
              resolution: plan.resolution,
              bucketMs: plan.bucketMs,
              meanPoints: Math.round(mean(apiRuns.map((r) => r.points))),
            },
            trpcMetricsHistoryMs: rounded(apiMs),
            historyStoreRangeMs: rounded(directMs),
            targetP95Ms: TARGET_P95_MS,
          },
        };
      } finally {
        await api?.stop();
        await store.close();
        config.remove();
      }
    }),
};
