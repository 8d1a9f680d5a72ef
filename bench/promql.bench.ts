import pg from 'pg';
import { HistoryStore, openStore } from '@vigia/db';
import { startApiProcess } from './api-process.ts';
import type { Benchmark } from './benchmark.ts';
import { formatMs } from './report.ts';
import { withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const TARGET_P95_MS = 100;
const QUERY = 'sum by (mode) (rate(node_cpu_seconds_total[1m]))';
const MODES = ['user', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
const INSTANCES = 16;
const CPUS = 4;
const SCRAPE_S = 15;
const STORED_HOURS = 24;
// A dashboard's windows and the steps Grafana picks for them on a typical panel width.
const WINDOWS = [
  { hours: 1, stepS: 15, queries: 120 },
  { hours: 6, stepS: 30, queries: 80 },
  { hours: 24, stepS: 60, queries: 60 },
];
const WARM_UP = 3;

/**
 * query_range of a typical dashboard panel (CPU by mode) as Grafana sends it (POST, form-encoded,
 * the window ending now), against 512 node_cpu_seconds_total series scraped every 15 s for 24 h.
 * The first answer of each window reads PostgreSQL cold; the refreshes after it are the figure.
 */
export const promqlBenchmark: Benchmark = {
  name: 'promql',
  expectedSeconds: 240,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const store = await openStore({ url: databaseUrl, poolSize: 2 });
      let api: Awaited<ReturnType<typeof startApiProcess>> | undefined;
      try {
        const series = [];
        for (let i = 0; i < INSTANCES; i++)
          for (let cpu = 0; cpu < CPUS; cpu++) for (const mode of MODES) series.push({ name: 'node_cpu_seconds_total', labels: { job: 'node', instance: `host-${i}:9100`, cpu: String(cpu), mode } });
        await new HistoryStore(store.sql).seriesIds(series);
        const filledTo = Math.floor(Date.now() / 1000) * 1000;
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const started = performance.now();
        // Counters rising at a rate of their own, generated in SQL: millions of rows through the insert path would take minutes.
        await client.query(
          `INSERT INTO samples_raw (series_id, ts, value)
           SELECT s.id, t.ts, extract(epoch FROM t.ts - $1::timestamptz)::float8 * (0.05 + (s.id % 8) * 0.1)
           FROM (SELECT id FROM series ORDER BY id) s
           CROSS JOIN LATERAL generate_series($1::timestamptz, $2::timestamptz, make_interval(secs => $3)) AS t(ts)`,
          [new Date(filledTo - STORED_HOURS * 3_600_000), new Date(filledTo), SCRAPE_S],
        );
        await client.query('VACUUM ANALYZE series, samples_raw');
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM samples_raw');
        await client.end();
        const rawRows = rows[0]!.n;
        log(`stored ${series.length} series × ${STORED_HOURS} h at ${SCRAPE_S} s: ${rawRows.toLocaleString('en-US')} raw rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);

        api = await startApiProcess(databaseUrl, prefix);
        const { url, token } = api;
        const ask = async (hours: number, stepS: number) => {
          const end = Math.floor(Date.now() / 1000);
          const body = new URLSearchParams({ query: QUERY, start: String(end - hours * 3600), end: String(end), step: String(stepS) });
          const t0 = performance.now();
          const res = await fetch(`${url}/api/v1/query_range`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
          const answer = (await res.json()) as { status: string; error?: string; data?: { result: { values: unknown[] }[] } };
          const ms = performance.now() - t0;
          if (answer.status !== 'success' || answer.data!.result.length !== MODES.length)
            throw new Error(`query_range over ${hours} h: ${answer.error ?? `${answer.data?.result.length} series, expected ${MODES.length}`}`);
          return ms;
        };

        const results = [];
        for (const w of WINDOWS) {
          const coldMs = await ask(w.hours, w.stepS);
          for (let i = 0; i < WARM_UP; i++) await ask(w.hours, w.stepS);
          const times: number[] = [];
          for (let i = 0; i < w.queries; i++) times.push(await ask(w.hours, w.stepS));
          const d = distribution(times);
          log(`${w.hours} h at ${w.stepS} s: cold ${formatMs(coldMs)}, p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}`);
          results.push({ ...w, coldMs: Math.round(coldMs), ms: rounded(d) });
        }
        const worst = Math.max(...results.map((r) => r.ms.p95));
        const pass = worst <= TARGET_P95_MS;
        return {
          target: `query_range "${QUERY}" over 1 h / 6 h / 24 h of ${series.length} series: p95 ≤ ${TARGET_P95_MS} ms`,
          pass,
          headline: results.map((r) => `${r.hours} h p95 ${formatMs(r.ms.p95)}`).join(', ') + ` (target ≤ ${TARGET_P95_MS} ms)`,
          details: results.map(
            (r) => `${r.hours} h, step ${r.stepS} s: p50 ${formatMs(r.ms.p50)}, p95 ${formatMs(r.ms.p95)}, max ${formatMs(r.ms.max)} over ${r.queries} refreshes; first (cold) ${r.coldMs} ms`,
          ),
          figures: { series: series.length, scrapeSeconds: SCRAPE_S, storedHours: STORED_HOURS, rawRows, query: QUERY, windows: results, targetP95Ms: TARGET_P95_MS },
        };
      } finally {
        await api?.stop();
        await store.close();
      }
    }),
};
