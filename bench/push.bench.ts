import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { redisKeys } from '@vigia/live';
import { startApiProcess } from './api-process.ts';
import { REPO_ROOT } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { sampleProcess, type ProcessUsage } from './proc-stats.ts';
import type { PushLoadPlan, PushLoadResult } from './push-load.ts';
import { formatMs, formatRate } from './report.ts';
import { REDIS_URL, owe, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const TARGET_SAMPLES_PER_SECOND = 50_000;
// Each sample of a request its own series, as a pusher sends them (the headline); then the same
// 5,000-sample batch over 1,000 series, to show the cost follows series per request, not samples.
const PHASES = [
  { batch: 100, series: 10_000 },
  { batch: 1_000, series: 10_000 },
  { batch: 5_000, series: 10_000 },
  { batch: 5_000, series: 1_000 },
];
const CONNECTIONS = 8;
const WARM_UP_SECONDS = 3;
const SECONDS = 12;

/**
 * Runs bench/push-load.ts in a process of its own; resolves with its result and the API's CPU
 * and RSS sampled over exactly the generator's measured window (it says when that starts).
 */
function runLoad(plan: PushLoadPlan, apiPid: number): Promise<{ load: PushLoadResult; api: ProcessUsage }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/push-load.ts', JSON.stringify(plan)], {
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
    let api: Promise<ProcessUsage> | undefined;
    const limit = setTimeout(() => child.kill('SIGKILL'), (plan.warmUpSeconds + plan.seconds + 60) * 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!api && out.includes('measuring\n')) api = sampleProcess(apiPid, plan.seconds, 500);
    });
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4_000)));
    // 'close', not 'exit': the result line can still be in the pipe when the process has exited.
    child.on('close', (code) => {
      exited = true;
      clearTimeout(limit);
      void kill();
      const line = out.split('\n').filter(Boolean).pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`the load generator failed (exit ${code}):\n${err || out}`));
      if (!api) return reject(new Error('the load generator never started measuring'));
      api.then((usage) => resolve({ load: JSON.parse(line) as PushLoadResult, api: usage })).catch(reject);
    });
  });
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

interface PhaseFigures {
  batch: number;
  seriesPerRequest: number;
  /** The headline counts only phases whose samples are all distinct series. */
  distinctSeries: boolean;
  connections: number;
  samplesPerSecond: number;
  requestsPerSecond: number;
  requests: number;
  acceptedSamples: number;
  rejectedSamples: number;
  failedRequests: number;
  statuses: Record<string, number>;
  latencyMs: ReturnType<typeof distribution>;
  apiCpuPercent: number;
  apiRssMBMax: number;
  generatorCpuPercent: number;
  /** The whole Redis server's CPU over the phase (INFO cpu), whoever else used it. */
  redisCpuPercent: number;
  /** Batches the API put in the ingest stream against requests answered 200 (warm-up included). */
  ingestStreamEntries: number;
  okRequestsIncludingWarmUp: number;
  /** What the capped live stream holds after the phase (its cap counts entries, not bytes). */
  liveStream: { entries: number; memoryMB: number };
  ingestStreamMemoryMB: number;
  firstError?: string;
}

/** POST /api/metrics on one API process, from a load generator process of its own, at three batch sizes. */
export const pushBenchmark: Benchmark = {
  name: 'push',
  expectedSeconds: 90,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const api = await startApiProcess(databaseUrl, prefix);
      const redis = new Redis(REDIS_URL);
      const keys = redisKeys(prefix);
      const phases: PhaseFigures[] = [];
      try {
        for (const { batch, series } of PHASES) {
          const seriesPerRequest = Math.min(batch, series);
          // No worker drains the streams here; each phase starts with them empty.
          await redis.del(keys.ingest, keys.live);
          log(
            `batch ${batch.toLocaleString('en-US')} over ${seriesPerRequest.toLocaleString('en-US')} series: ${CONNECTIONS} keep-alive connections, ${WARM_UP_SECONDS} s warm-up, ${SECONDS} s measured`,
          );
          const redisCpuBefore = await redisCpuSeconds(redis);
          const phaseStarted = performance.now();
          const { load, api: used } = await runLoad({ url: api.url, token: api.token, batch, connections: CONNECTIONS, series, warmUpSeconds: WARM_UP_SECONDS, seconds: SECONDS }, api.app.pid);
          const redisCpu = ((await redisCpuSeconds(redis)) - redisCpuBefore) / ((performance.now() - phaseStarted) / 1000);
          if (api.app.exited()) throw new Error(`the API exited during the run:\n${api.app.output()}`);
          const [ingestEntries, liveEntries, liveBytes, ingestBytes] = await Promise.all([
            redis.xlen(keys.ingest),
            redis.xlen(keys.live),
            redis.call('MEMORY', 'USAGE', keys.live, 'SAMPLES', '0') as Promise<number | null>,
            redis.call('MEMORY', 'USAGE', keys.ingest, 'SAMPLES', '0') as Promise<number | null>,
          ]);
          const figures: PhaseFigures = {
            batch,
            seriesPerRequest,
            distinctSeries: seriesPerRequest === batch,
            connections: CONNECTIONS,
            samplesPerSecond: Math.round(load.acceptedSamples / load.seconds),
            requestsPerSecond: Math.round((load.requests / load.seconds) * 10) / 10,
            requests: load.requests,
            acceptedSamples: load.acceptedSamples,
            rejectedSamples: load.rejectedSamples,
            failedRequests: load.failedRequests,
            statuses: load.statuses,
            latencyMs: rounded(distribution(load.latenciesMs)),
            apiCpuPercent: Math.round(used.cpuPercent * 10) / 10,
            apiRssMBMax: Math.round(Math.max(...used.rssMB)),
            generatorCpuPercent: Math.round(load.cpuPercent * 10) / 10,
            redisCpuPercent: Math.round(redisCpu * 1000) / 10,
            ingestStreamEntries: ingestEntries,
            okRequestsIncludingWarmUp: load.okRequestsIncludingWarmUp,
            liveStream: { entries: liveEntries, memoryMB: Math.round(((liveBytes ?? 0) / 1048576) * 10) / 10 },
            ingestStreamMemoryMB: Math.round(((ingestBytes ?? 0) / 1048576) * 10) / 10,
            firstError: load.firstError,
          };
          phases.push(figures);
          log(
            `  ${formatRate(figures.samplesPerSecond)} samples, ${figures.requestsPerSecond} req/s, p50 ${formatMs(figures.latencyMs.p50)} p99 ${formatMs(figures.latencyMs.p99)}; API CPU ${figures.apiCpuPercent} %, generator CPU ${figures.generatorCpuPercent} %, Redis server CPU ${figures.redisCpuPercent} %`,
          );
          await sleep(1_000);
        }
        await redis.del(keys.ingest, keys.live);

        const best = phases.filter((p) => p.distinctSeries).reduce((a, b) => (b.samplesPerSecond > a.samplesPerSecond ? b : a));
        const label = (p: PhaseFigures) => `batch ${String(p.batch).padStart(5)}${p.distinctSeries ? '' : ` (${p.seriesPerRequest} series)`}`;
        const lost = phases.filter((p) => p.ingestStreamEntries !== p.okRequestsIncludingWarmUp);
        const pass = best.samplesPerSecond >= TARGET_SAMPLES_PER_SECOND && phases.every((p) => p.failedRequests === 0 && p.rejectedSamples === 0) && lost.length === 0;
        return {
          target: `POST /api/metrics: ≥ ${TARGET_SAMPLES_PER_SECOND.toLocaleString('en-US')} samples/s accepted on one API process`,
          pass,
          headline: `${formatRate(best.samplesPerSecond)} samples at batch ${best.batch.toLocaleString('en-US')}, one series each (target ≥ ${formatRate(TARGET_SAMPLES_PER_SECOND)}); ${phases.map((p) => `${label(p).trim()}: ${formatRate(p.samplesPerSecond)}`).join(', ')}`,
          details: [
            ...phases.map(
              (p) =>
                `${label(p)}: ${formatRate(p.samplesPerSecond)} samples (${p.requestsPerSecond} req/s), latency p50 ${formatMs(p.latencyMs.p50)} p99 ${formatMs(p.latencyMs.p99)} max ${formatMs(p.latencyMs.max)}; API CPU ${p.apiCpuPercent} % RSS ${p.apiRssMBMax} MB; generator CPU ${p.generatorCpuPercent} %; Redis server CPU ${p.redisCpuPercent} %; failed ${p.failedRequests}, rejected ${p.rejectedSamples}`,
            ),
            ...phases.map(
              (p) =>
                `${label(p)}: ingest stream ${p.ingestStreamEntries} entries for ${p.okRequestsIncludingWarmUp} answered 200 (${p.ingestStreamMemoryMB} MB); live stream ${p.liveStream.entries} entries, ${p.liveStream.memoryMB} MB`,
            ),
            ...(lost.length ? [`MISMATCH: ingest stream entries ≠ requests answered 200 at batch ${lost.map((p) => p.batch).join(', ')}`] : []),
            ...phases.filter((p) => p.firstError).map((p) => `batch ${p.batch} first error: ${p.firstError}`),
            ...(best.samplesPerSecond < TARGET_SAMPLES_PER_SECOND
              ? [`MISSED: best ${formatRate(best.samplesPerSecond)} is ${((1 - best.samplesPerSecond / TARGET_SAMPLES_PER_SECOND) * 100).toFixed(0)} % under target`]
              : []),
          ],
          figures: {
            connections: CONNECTIONS,
            warmUpSeconds: WARM_UP_SECONDS,
            secondsPerPhase: SECONDS,
            phases,
            best: { batch: best.batch, samplesPerSecond: best.samplesPerSecond },
            generator:
              'bench/push-load.ts in its own process: node:http Agent keep-alive, one request in flight per connection, 8 pre-rendered bodies per batch size, samples without timestamp (the API stamps them)',
            targetSamplesPerSecond: TARGET_SAMPLES_PER_SECOND,
          },
        };
      } finally {
        redis.disconnect();
        await api.stop();
      }
    }),
};
