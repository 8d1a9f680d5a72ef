import { Redis } from 'ioredis';
import { SampleWriter, redisKeys, type SampleBatch } from '@vigia/live';
import { trpcClient } from '../e2e/src/client.ts';
import { startApiProcess } from './api-process.ts';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { sampleProcess } from './proc-stats.ts';
import { formatMs } from './report.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const TARGET_P99_MS = 50;
const SUBSCRIBERS = 100;
const BATCHES_PER_SECOND = 10;
const SECONDS = 30;
const BATCHES = BATCHES_PER_SECOND * SECONDS;
const METRIC = 'bench_latency';

// One clock for sending and receiving: both ends run in this process.
const now = () => performance.timeOrigin + performance.now();

function batchOf(value: number): SampleBatch {
  return { source: 'bench', samples: [{ key: METRIC, name: METRIC, labels: {}, value, timestamp: Math.round(value) }] };
}

interface SubscriberState {
  warmUps: number;
  seen: Set<number>;
  duplicates: number;
  errors: string[];
}

/** Sample written to Redis → delivered by metrics.live (SSE) to each of 100 subscribers. */
export const liveBenchmark: Benchmark = {
  name: 'live',
  expectedSeconds: 60,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const api = await startApiProcess(databaseUrl, prefix);
      const redis = new Redis(REDIS_URL);
      const writer = new SampleWriter(redis, redisKeys(prefix), { liveWindowMs: 60_000 });
      // Send time (the sample's value) → batch number; filled before the write so no delivery can beat it.
      const sent = new Map<number, number>();
      const latencies: number[] = [];
      // Per batch, the first and last subscriber's latency: the pipeline's own delay versus the fan-out spread.
      const firstBySeq = new Array<number>(BATCHES).fill(Infinity);
      const lastBySeq = new Array<number>(BATCHES).fill(-Infinity);
      const states: SubscriberState[] = Array.from({ length: SUBSCRIBERS }, () => ({ warmUps: 0, seen: new Set<number>(), duplicates: 0, errors: [] }));
      const client = trpcClient(api.url, api.token);
      const subscriptions = states.map((state) =>
        client.metrics.live.subscribe(
          { names: [METRIC] },
          {
            onData: (event) => {
              const at = now();
              for (const sample of event.data.samples) {
                const seq = sent.get(sample.value);
                if (seq === undefined) state.warmUps++;
                else if (state.seen.has(seq)) state.duplicates++;
                else {
                  state.seen.add(seq);
                  const latency = at - sample.value;
                  latencies.push(latency);
                  firstBySeq[seq] = Math.min(firstBySeq[seq]!, latency);
                  lastBySeq[seq] = Math.max(lastBySeq[seq]!, latency);
                }
              }
            },
            onError: (error) => state.errors.push(error.message),
          },
        ),
      );
      try {
        // Until every subscriber has had a batch, the SSE connections are still being set up.
        const warmDeadline = Date.now() + 60_000;
        let warmBatches = 0;
        while (states.some((s) => s.warmUps === 0)) {
          if (Date.now() > warmDeadline) throw new Error(`only ${states.filter((s) => s.warmUps > 0).length} of ${SUBSCRIBERS} subscribers received anything within 60 s`);
          await writer.write(batchOf(now()));
          warmBatches++;
          await sleep(250);
        }
        log(`${SUBSCRIBERS} subscribers connected (${warmBatches} warm-up batches); writing ${BATCHES} batches at ${BATCHES_PER_SECOND}/s`);

        const apiUsage = sampleProcess(api.app.pid, SECONDS);
        const ownCpuBefore = process.cpuUsage();
        const start = performance.now();
        const interval = 1000 / BATCHES_PER_SECOND;
        for (let seq = 0; seq < BATCHES; seq++) {
          await sleep(Math.max(0, start + seq * interval - performance.now()));
          const value = now();
          sent.set(value, seq);
          await writer.write(batchOf(value));
        }
        const writeSeconds = (performance.now() - start) / 1000;
        const expected = BATCHES * SUBSCRIBERS;
        const graceDeadline = Date.now() + 10_000;
        while (latencies.length < expected && Date.now() < graceDeadline) await sleep(50);
        const ownCpu = process.cpuUsage(ownCpuBefore);
        const benchCpuPercent = ((ownCpu.user + ownCpu.system) / 1e6 / ((performance.now() - start) / 1000)) * 100;
        const apiUsed = await apiUsage;
        // Taken before the API is stopped: the reconnect attempts that follow are not delivery errors.
        const errors = states.flatMap((s) => s.errors);

        // Deploys stop the API while dashboards are open: how long SIGTERM takes with every subscriber still connected.
        const stopStarted = performance.now();
        const apiExitCode = await api.app.stop();
        const apiStopSeconds = (performance.now() - stopStarted) / 1000;

        // Warnings the API printed (LOG_LEVEL=warn), e.g. Node's MaxListenersExceededWarning.
        const apiWarnings = api.app
          .output()
          .split('\n')
          .filter((l) => /warn|error/i.test(l));

        const d = distribution(latencies);
        const delivered = firstBySeq.map((f, i) => [f, lastBySeq[i]!] as const).filter(([f]) => Number.isFinite(f));
        const first = distribution(delivered.map(([f]) => f));
        const spread = distribution(delivered.map(([f, l]) => l - f));
        const losses = states.reduce((n, s) => n + (BATCHES - s.seen.size), 0);
        const duplicates = states.reduce((n, s) => n + s.duplicates, 0);
        const subscribersWithLosses = states.filter((s) => s.seen.size < BATCHES).length;
        const pass = d.p99 <= TARGET_P99_MS && losses === 0;
        return {
          target: `sample written → received by a live subscriber: p99 ≤ ${TARGET_P99_MS} ms with ${SUBSCRIBERS} subscribers`,
          pass,
          headline: `p99 ${formatMs(d.p99)} (target ≤ ${TARGET_P99_MS} ms), ${d.count}/${expected} delivered${losses ? `, ${losses} LOST` : ''}`,
          details: [
            `p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}, p99 ${formatMs(d.p99)}, max ${formatMs(d.max)} over ${d.count} deliveries (${BATCHES} batches × ${SUBSCRIBERS} subscribers in ${writeSeconds.toFixed(1)} s)`,
            `per batch: first subscriber p50 ${formatMs(first.p50)} / p99 ${formatMs(first.p99)}; first → last subscriber spread p50 ${formatMs(spread.p50)} / p99 ${formatMs(spread.p99)}`,
            `losses ${losses} (${subscribersWithLosses} subscribers short), duplicates ${duplicates}, subscriber errors ${errors.length}`,
            `API process CPU ${apiUsed.cpuPercent.toFixed(1)} % of one core, RSS max ${Math.max(...apiUsed.rssMB).toFixed(0)} MB; bench process (writer + ${SUBSCRIBERS} clients) CPU ${benchCpuPercent.toFixed(1)} %`,
            `API SIGTERM with ${SUBSCRIBERS} subscribers connected: exit ${apiExitCode} after ${apiStopSeconds.toFixed(1)} s`,
            ...(apiWarnings.length ? [`API printed ${apiWarnings.length} warning line(s), the first: ${apiWarnings[0]}`] : []),
            ...(d.p99 > TARGET_P99_MS ? [`MISSED: p99 over target by ${formatMs(d.p99 - TARGET_P99_MS)} (${((d.p99 / TARGET_P99_MS - 1) * 100).toFixed(0)} %)`] : []),
          ],
          figures: {
            subscribers: SUBSCRIBERS,
            batches: BATCHES,
            batchesPerSecond: BATCHES_PER_SECOND,
            writeSeconds: Math.round(writeSeconds * 100) / 100,
            latencyMs: rounded(d),
            firstSubscriberPerBatchMs: rounded(first),
            fanOutSpreadPerBatchMs: rounded(spread),
            deliveries: { expected, received: d.count, lost: losses, duplicates, subscribersWithLosses },
            subscriberErrors: errors.slice(0, 20),
            apiProcess: {
              cpuPercentOfOneCore: Math.round(apiUsed.cpuPercent * 100) / 100,
              rssMB: rounded(distribution(apiUsed.rssMB), 1),
            },
            apiStopWithSubscribersConnected: { signal: 'SIGTERM', exitCode: apiExitCode, seconds: Math.round(apiStopSeconds * 10) / 10 },
            apiWarnings: apiWarnings.slice(0, 20),
            benchProcessCpuPercent: Math.round(benchCpuPercent * 100) / 100,
            clock: 'performance.timeOrigin + performance.now() in the bench process, which both writes and receives',
            targetP99Ms: TARGET_P99_MS,
          },
        };
      } finally {
        for (const s of subscriptions) s.unsubscribe();
        redis.disconnect();
        await api.stop();
      }
    }),
};
