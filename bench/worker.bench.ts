import pg from 'pg';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { redisKeys } from '@vigia/live';
import type { Benchmark } from './benchmark.ts';
import { onlyCollectorYaml } from './collector-plugins.ts';
import { spawnApp, tempConfig } from './app-process.ts';
import { pollUntil, sleep } from './poll.ts';
import { sampleProcess } from './proc-stats.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, mean, rounded } from './stats.ts';

const TARGET_CPU_PERCENT = 1.5;
const TARGET_RSS_MB = 120;
const WARM_UP_SECONDS = 15;
const WINDOW_SECONDS = 60;

async function persistedSamples(databaseUrl: string, name: string, from: number, to: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1 AND r.ts >= $2 AND r.ts <= $3`, [
      name,
      new Date(from),
      new Date(to),
    ]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

// Host metrics are labelled with the worker's machine: a name of its own keeps the key known.
const HOST = 'bench';
const CPU_SERIES = seriesKey('cpu_usage', { host: HOST });

/** A real worker process, system collector every second, everything else off: its CPU and memory. */
export const workerBenchmark: Benchmark = {
  name: 'worker',
  expectedSeconds: 100,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const config = tempConfig(onlyCollectorYaml('system', '1s'));
      const keys = redisKeys(prefix);
      const redis = new Redis(REDIS_URL);
      const spawnedAt = performance.now();
      const worker = spawnApp('worker', {
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        VIGIA_KEY_PREFIX: prefix,
        MONITORING_CONFIG: config.file,
        VIGIA_DATA_DIR: config.dir,
        LOG_LEVEL: 'warn',
        VIGIA_HOSTNAME: HOST,
      });
      try {
        await pollUntil(
          async () => {
            if (worker.exited()) throw new Error(`the worker exited during start-up:\n${worker.output()}`);
            return redis.hexists(keys.latest, CPU_SERIES);
          },
          'the first cpu_usage sample in Redis',
          { timeoutMs: 90_000 },
        );
        const firstSampleSeconds = (performance.now() - spawnedAt) / 1000;
        log(`worker pid ${worker.pid}: first cpu_usage after ${firstSampleSeconds.toFixed(1)} s; warming up ${WARM_UP_SECONDS} s, then measuring ${WINDOW_SECONDS} s`);
        await sleep(WARM_UP_SECONDS * 1000);

        const windowStart = Date.now();
        const usage = await sampleProcess(worker.pid, WINDOW_SECONDS);
        const windowEnd = Date.now();
        if (worker.exited()) throw new Error(`the worker exited during the window:\n${worker.output()}`);

        const inRedis = await redis.zcount(keys.window(CPU_SERIES), windowStart, windowEnd);
        // The persister writes at most every storage.flush_interval (5 s); give it a little longer before counting history.
        await sleep(7_000);
        const inHistory = await persistedSamples(databaseUrl, 'cpu_usage', windowStart, windowEnd);

        const stopStarted = performance.now();
        const exitCode = await worker.stop();
        const stopSeconds = (performance.now() - stopStarted) / 1000;

        const cpu = usage.cpuPercent;
        const rssMean = mean(usage.rssMB);
        const rssMax = Math.max(...usage.rssMB);
        const cpuOk = cpu <= TARGET_CPU_PERCENT;
        const rssOk = rssMean <= TARGET_RSS_MB;
        const miss = [
          cpuOk ? null : `CPU over target by ${(cpu - TARGET_CPU_PERCENT).toFixed(2)} points (${((cpu / TARGET_CPU_PERCENT - 1) * 100).toFixed(0)} %)`,
          rssOk ? null : `RSS over target by ${(rssMean - TARGET_RSS_MB).toFixed(1)} MB`,
        ].filter(Boolean);
        return {
          target: `worker, system collector at 1 s: CPU ≤ ${TARGET_CPU_PERCENT} % of one core and RSS ≤ ${TARGET_RSS_MB} MB, averaged over ${WINDOW_SECONDS} s`,
          pass: cpuOk && rssOk,
          headline: `CPU ${cpu.toFixed(2)} % of one core (target ≤ ${TARGET_CPU_PERCENT} %), RSS mean ${rssMean.toFixed(1)} MB / max ${rssMax.toFixed(1)} MB (target ≤ ${TARGET_RSS_MB} MB)`,
          details: [
            `CPU own ${usage.cpuPercentOwn.toFixed(2)} % + reaped children ${usage.cpuPercentChildren.toFixed(2)} %; busiest second ${Math.max(...usage.cpuPercentPerInterval).toFixed(1)} %`,
            `cpu_usage samples in the ${WINDOW_SECONDS} s window: ${inRedis} in Redis, ${inHistory} in PostgreSQL (expected ≈ ${WINDOW_SECONDS})`,
            `first sample ${firstSampleSeconds.toFixed(1)} s after spawn; SIGTERM → exit ${exitCode} in ${stopSeconds.toFixed(1)} s`,
            ...miss.map((m) => `MISSED: ${m}`),
          ],
          figures: {
            windowSeconds: Math.round(usage.seconds * 100) / 100,
            warmUpSeconds: WARM_UP_SECONDS,
            cpuPercentOfOneCore: Math.round(cpu * 1000) / 1000,
            cpuPercentOwn: Math.round(usage.cpuPercentOwn * 1000) / 1000,
            cpuPercentReapedChildren: Math.round(usage.cpuPercentChildren * 1000) / 1000,
            cpuPercentPerSecond: rounded(distribution(usage.cpuPercentPerInterval)),
            rssMB: rounded(distribution(usage.rssMB)),
            rssSamplesMB: usage.rssMB.map((v) => Math.round(v * 10) / 10),
            maxLiveChildrenSeen: usage.maxLiveChildren,
            cpuUsageSamplesInWindow: { redis: inRedis, postgres: inHistory, expected: WINDOW_SECONDS },
            firstSampleAfterSpawnSeconds: Math.round(firstSampleSeconds * 10) / 10,
            stop: { signal: 'SIGTERM', exitCode, seconds: Math.round(stopSeconds * 10) / 10 },
            targets: { cpuPercent: TARGET_CPU_PERCENT, rssMB: TARGET_RSS_MB },
          },
        };
      } finally {
        await worker.stop();
        redis.disconnect();
        config.remove();
      }
    }),
};
