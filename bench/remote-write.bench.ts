import { spawn } from 'node:child_process';
import pg from 'pg';
import { startApiProcess } from './api-process.ts';
import { REPO_ROOT } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import type { ReceiveLoadPlan, ReceiveLoadResult } from './receive-load.ts';
import { formatRate } from './report.ts';
import { owe, withScratch } from './scratch.ts';
import { startWorkerProcess } from './worker-process.ts';

const TARGET_SAMPLES_PER_SECOND = 100_000;
// 10,000 series (1,000 per metric, the default limit), 60 samples each, 2,000 samples a request
// (Prometheus' default max_samples_per_send). The new-series limit is raised above its default of
// 10,000 a minute: the worker's own collectors create series too, and in the minute the 10,000
// arrive they would push some of them past it (refused, so never in history: the run would wait
// for rows that cannot come). The check itself still runs on every sample.
const LIMITS = 'limits:\n  new_series_per_minute: 50000\n';
const SERIES = 10_000;
const ROUNDS = 60;
const BATCH = 2_000;
const CONNECTIONS = 4;
const FORMATS = ['remote_write', 'push'] as const;

function runLoad(plan: ReceiveLoadPlan, onSending: () => void): Promise<ReceiveLoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/receive-load.ts', JSON.stringify(plan)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  const kill = owe(async () => {
    if (!exited) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let sending = false;
    const limit = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!sending && out.includes('sending\n')) {
        sending = true;
        onSending();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    child.on('close', (code) => {
      exited = true;
      clearTimeout(limit);
      void kill();
      const line = out.split('\n').filter(Boolean).pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`the load generator failed (exit ${code}):\n${err || out}`));
      resolve(JSON.parse(line) as ReceiveLoadResult);
    });
  });
}

interface FormatFigures {
  format: (typeof FORMATS)[number];
  samples: number;
  /** Samples per second from the first request until the last of them was a row in samples_raw. */
  intoHistoryPerSecond: number;
  /** Samples per second the API answered for (in Redis, not yet in PostgreSQL). */
  acceptedPerSecond: number;
  sendSeconds: number;
  historySeconds: number;
  failedRequests: number;
  statuses: Record<string, number>;
  generatorCpuPercent: number;
  firstError?: string;
}

/**
 * Prometheus remote_write (POST /api/v1/write) against the JSON push (POST /api/metrics) with the
 * same samples, each timed from the first request until every sample is a row of PostgreSQL
 * history (samples_raw), written by a worker process as in production.
 */
export const remoteWriteBenchmark: Benchmark = {
  name: 'remote-write',
  expectedSeconds: 120,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const api = await startApiProcess(databaseUrl, prefix, `collectors: {}\n${LIMITS}`);
      const worker = startWorkerProcess(databaseUrl, prefix, `collectors: {}\nalerts:\n  collector_down: { enabled: false }\n${LIMITS}`);
      const sql = new pg.Client({ connectionString: databaseUrl });
      await sql.connect();
      const rows = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM samples_raw')).rows[0]!.n);
      const results: FormatFigures[] = [];
      try {
        // Every phase its own seconds of the past, so no sample of one overwrites a row of another.
        const firstBase = Date.now() - (FORMATS.length * ROUNDS + 120) * 1000;
        for (const [i, format] of FORMATS.entries()) {
          const before = await rows();
          log(`${format}: ${(SERIES * ROUNDS).toLocaleString('en-US')} samples over ${SERIES.toLocaleString('en-US')} series, ${BATCH.toLocaleString('en-US')} a request, ${CONNECTIONS} connections`);
          let started = 0;
          const load = await runLoad(
            { url: api.url, token: api.token, format, batch: BATCH, series: SERIES, rounds: ROUNDS, connections: CONNECTIONS, baseMs: firstBase + i * ROUNDS * 1000 },
            () => (started = performance.now()),
          );
          if (api.app.exited()) throw new Error(`the API exited during the run:\n${api.app.output()}`);
          await worker.waitFor(async () => (await rows()) - before >= load.sentSamples, `${format}: ${load.sentSamples} samples in samples_raw`, { timeoutMs: 180_000, intervalMs: 100 });
          const historySeconds = (performance.now() - started) / 1000;
          const figures: FormatFigures = {
            format,
            samples: load.sentSamples,
            intoHistoryPerSecond: Math.round(load.sentSamples / historySeconds),
            acceptedPerSecond: Math.round(load.sentSamples / load.sendSeconds),
            sendSeconds: Math.round(load.sendSeconds * 100) / 100,
            historySeconds: Math.round(historySeconds * 100) / 100,
            failedRequests: load.failedRequests,
            statuses: load.statuses,
            generatorCpuPercent: Math.round(load.cpuPercent),
            firstError: load.firstError,
          };
          results.push(figures);
          log(`  ${formatRate(figures.intoHistoryPerSecond)} samples into history (${formatRate(figures.acceptedPerSecond)} answered by the API); ${figures.failedRequests} failed requests`);
          await sleep(1_000);
        }
      } finally {
        await sql.end();
        await worker.stop();
        await api.stop();
      }
      const rw = results.find((r) => r.format === 'remote_write')!;
      const push = results.find((r) => r.format === 'push')!;
      return {
        target: `remote_write ≥ ${formatRate(TARGET_SAMPLES_PER_SECOND)} samples into PostgreSQL history`,
        pass: rw.failedRequests === 0 && rw.intoHistoryPerSecond >= TARGET_SAMPLES_PER_SECOND,
        headline: `remote_write ${formatRate(rw.intoHistoryPerSecond)} samples into history, JSON push ${formatRate(push.intoHistoryPerSecond)} (target ≥ ${formatRate(TARGET_SAMPLES_PER_SECOND)})`,
        details: results.map(
          (r) =>
            `${r.format}: ${r.samples.toLocaleString('en-US')} samples, API answered in ${r.sendSeconds} s (${formatRate(r.acceptedPerSecond)}), all in samples_raw after ${r.historySeconds} s; generator CPU ${r.generatorCpuPercent} %${r.firstError ? `; first error: ${r.firstError}` : ''}`,
        ),
        figures: { series: SERIES, rounds: ROUNDS, batch: BATCH, connections: CONNECTIONS, results },
      };
    }),
};
