import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { CollectorHealthBoard, redisKeys } from '@vigia/live';
import { REPO_ROOT } from './app-process.ts';
import type { Benchmark } from './benchmark.ts';
import { builtInCollectors } from './collector-plugins.ts';
import { sleep } from './poll.ts';
import { sampleProcess } from './proc-stats.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, mean, rounded } from './stats.ts';
import { startWorkerProcess, troubleLines } from './worker-process.ts';

const TARGET_CPU_PERCENT = 3;
const TARGET_RSS_MB = 150;
const INTERVAL = '5s';
const WARM_UP_SECONDS = 15;
const WINDOW_SECONDS = 60;
/** Light application traffic in the seed's protocol, so the api collector has a list to take. */
const API_REQUESTS_PER_SECOND = 50;
const CUSTOM_METRICS = 5;

/**
 * The shipped config/monitoring.yaml (its eleven rules, retention, storage) with every built-in
 * collector at 5 s, pointed at the benchmark's own database and a Redis prefix of its own.
 */
function collectorsYaml(databaseUrl: string, seedPrefix: string): { yaml: string; collectors: string[] } {
  const doc = parse(readFileSync(join(REPO_ROOT, 'config/monitoring.yaml'), 'utf8')) as Record<string, unknown>;
  const names = builtInCollectors();
  const options: Record<string, Record<string, unknown>> = {
    postgres: { url: databaseUrl },
    redis: { prefix: seedPrefix },
    api: { prefix: seedPrefix },
    business: { prefix: seedPrefix, database: { url: databaseUrl } },
    custom: { prefix: seedPrefix },
  };
  doc.collection = { ...(doc.collection as object), interval: INTERVAL };
  doc.collectors = Object.fromEntries(names.map((n) => [n, { interval: INTERVAL, ...options[n] }]));
  return { yaml: stringify(doc), collectors: names };
}

/** What the seed's applications would have written: business counters and a few custom metrics. */
async function seedKeys(redis: Redis, p: string): Promise<void> {
  const tx = redis.multi();
  tx.set(`${p}metrics:orders:today`, '42').set(`${p}metrics:revenue:today`, '1234.5').set(`${p}metrics:quotes:today`, '17').set(`${p}metrics:active_users`, '9');
  for (let i = 0; i < CUSTOM_METRICS; i++) {
    const name = `bench_custom_${i}`;
    tx.hset(`${p}custom_metric:${name}`, 'value', String(10 * i + 1), 'tags', JSON.stringify({ shard: String(i) }));
    tx.sadd(`${p}custom_metrics`, name);
  }
  await tx.exec();
}

/** INCR + LPUSH per request at a steady rate until `until`; bounded by that time and a count. */
async function apiTraffic(redis: Redis, p: string, until: number, stop: { stopped: boolean }): Promise<number> {
  let sent = 0;
  const maxCount = API_REQUESTS_PER_SECOND * ((until - Date.now()) / 1000 + 1);
  while (Date.now() < until && sent < maxCount && !stop.stopped) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < API_REQUESTS_PER_SECOND / 10; i++) pipeline.incr(`${p}metrics:request_count`).lpush(`${p}metrics:response_times`, (0.01 + Math.random() * 0.2).toFixed(6));
    await pipeline.exec();
    sent += API_REQUESTS_PER_SECOND / 10;
    await sleep(100);
  }
  return sent;
}

async function samplesInHistory(databaseUrl: string, from: number, to: number): Promise<{ samples: number; series: number; byCollectorPrefix: Record<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; n: number; series: number }>(
      `SELECT s.name, count(*)::int AS n, count(DISTINCT s.id)::int AS series FROM samples_raw r JOIN series s ON s.id = r.series_id
       WHERE r.ts >= $1 AND r.ts <= $2 GROUP BY s.name`,
      [new Date(from), new Date(to)],
    );
    const byCollectorPrefix: Record<string, number> = {};
    for (const r of rows) {
      const family = r.name.split('_')[0]!;
      byCollectorPrefix[family] = (byCollectorPrefix[family] ?? 0) + r.n;
    }
    return { samples: rows.reduce((s, r) => s + r.n, 0), series: rows.reduce((s, r) => s + r.series, 0), byCollectorPrefix };
  } finally {
    await client.end();
  }
}

/** A real worker running every built-in collector at 5 s: its CPU (children included) and RSS. */
export const collectorsBenchmark: Benchmark = {
  name: 'collectors',
  expectedSeconds: 110,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const seedPrefix = `${prefix}:mcp:`;
      const keys = redisKeys(prefix);
      const redis = new Redis(REDIS_URL);
      const { yaml, collectors } = collectorsYaml(databaseUrl, seedPrefix);
      await seedKeys(redis, seedPrefix);
      const spawnedAt = performance.now();
      const worker = startWorkerProcess(databaseUrl, prefix, yaml);
      let traffic: Promise<number> | undefined;
      const trafficStop = { stopped: false };
      try {
        // Every collector has run once (successfully or not): start-up is over.
        await worker.waitFor(async () => (await redis.hlen(keys.collectors)) >= collectors.length, `a first run of all ${collectors.length} collectors`, { timeoutMs: 90_000 });
        const readySeconds = (performance.now() - spawnedAt) / 1000;
        log(
          `worker pid ${worker.app.pid}: ${collectors.join(', ')} at ${INTERVAL}, all ran once after ${readySeconds.toFixed(1)} s; warming up ${WARM_UP_SECONDS} s, then measuring ${WINDOW_SECONDS} s`,
        );
        traffic = apiTraffic(redis, seedPrefix, Date.now() + (WARM_UP_SECONDS + WINDOW_SECONDS + 1) * 1000, trafficStop);
        await sleep(WARM_UP_SECONDS * 1000);
        const board = new CollectorHealthBoard(redis, keys);
        const healthBefore = await board.list();

        const windowStart = Date.now();
        const usage = await sampleProcess(worker.app.pid, WINDOW_SECONDS);
        const windowEnd = Date.now();
        if (worker.app.exited()) throw new Error(`the worker exited during the window:\n${worker.app.output()}`);
        const apiRequests = await traffic;

        const health = await board.list();
        const runsBefore = Object.fromEntries(healthBefore.map((h) => [h.name, h]));
        // The persister writes at most every storage.flush_interval (5 s); a little longer before counting history.
        await sleep(7_000);
        const history = await samplesInHistory(databaseUrl, windowStart, windowEnd);
        const warnings = troubleLines(worker.app);
        const exitCode = await worker.stop();

        const cpu = usage.cpuPercent;
        const rssMean = mean(usage.rssMB);
        const rssMax = Math.max(...usage.rssMB);
        const cpuOk = cpu <= TARGET_CPU_PERCENT;
        const rssOk = rssMean <= TARGET_RSS_MB;
        const perCollector = health
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((h) => ({
            name: h.name,
            status: h.status,
            runsInWindow: h.runsTotal - (runsBefore[h.name]?.runsTotal ?? 0),
            errorsInWindow: h.errorsTotal - (runsBefore[h.name]?.errorsTotal ?? 0),
            lastDurationMs: h.lastDurationMs,
            samplesPerRun: h.samples,
            lastError: h.lastError,
          }));
        const failing = perCollector.filter((c) => c.status !== 'ok' || c.errorsInWindow > 0);
        return {
          target: `worker, all built-in collectors at ${INTERVAL}: CPU ≤ ${TARGET_CPU_PERCENT} % of one core and RSS ≤ ${TARGET_RSS_MB} MB over ${WINDOW_SECONDS} s`,
          pass: cpuOk && rssOk && failing.length === 0,
          headline: `CPU ${cpu.toFixed(2)} % of one core (target ≤ ${TARGET_CPU_PERCENT} %), RSS mean ${rssMean.toFixed(1)} MB / max ${rssMax.toFixed(1)} MB (target ≤ ${TARGET_RSS_MB} MB)`,
          details: [
            `CPU own ${usage.cpuPercentOwn.toFixed(2)} % + reaped children ${usage.cpuPercentChildren.toFixed(2)} %; busiest second ${Math.max(...usage.cpuPercentPerInterval).toFixed(1)} %`,
            `per collector (runs in window, last duration, samples per run): ${perCollector.map((c) => `${c.name} ${c.runsInWindow}× ${c.lastDurationMs} ms ${c.samplesPerRun}`).join('; ')}`,
            `history: ${history.samples} samples of ${history.series} series written in the window; api traffic ${apiRequests} requests at ${API_REQUESTS_PER_SECOND}/s`,
            `SIGTERM → exit ${exitCode}; worker printed ${warnings.length} warning line(s)${warnings.length ? `, the first: ${warnings[0]}` : ''}`,
            ...(failing.length ? [`FAILING collectors: ${failing.map((c) => `${c.name} (${c.status}, ${c.errorsInWindow} errors: ${c.lastError ?? ''})`).join('; ')}`] : []),
            ...(cpuOk ? [] : [`MISSED: CPU over target by ${(cpu - TARGET_CPU_PERCENT).toFixed(2)} points (${((cpu / TARGET_CPU_PERCENT - 1) * 100).toFixed(0)} %)`]),
            ...(rssOk ? [] : [`MISSED: RSS over target by ${(rssMean - TARGET_RSS_MB).toFixed(1)} MB`]),
          ],
          figures: {
            interval: INTERVAL,
            collectors,
            windowSeconds: Math.round(usage.seconds * 100) / 100,
            warmUpSeconds: WARM_UP_SECONDS,
            cpuPercentOfOneCore: Math.round(cpu * 1000) / 1000,
            cpuPercentOwn: Math.round(usage.cpuPercentOwn * 1000) / 1000,
            cpuPercentReapedChildren: Math.round(usage.cpuPercentChildren * 1000) / 1000,
            cpuPercentPerSecond: rounded(distribution(usage.cpuPercentPerInterval)),
            rssMB: rounded(distribution(usage.rssMB)),
            rssSamplesMB: usage.rssMB.map((v) => Math.round(v * 10) / 10),
            maxLiveChildrenSeen: usage.maxLiveChildren,
            perCollector,
            historyInWindow: history,
            apiTraffic: { requests: apiRequests, perSecond: API_REQUESTS_PER_SECOND },
            customMetrics: CUSTOM_METRICS,
            alertRules: 'the eleven rules of config/monitoring.yaml, evaluated every 5 s',
            readyAfterSpawnSeconds: Math.round(readySeconds * 10) / 10,
            stop: { signal: 'SIGTERM', exitCode },
            workerWarnings: warnings.slice(0, 20),
            targets: { cpuPercent: TARGET_CPU_PERCENT, rssMB: TARGET_RSS_MB },
          },
        };
      } finally {
        trafficStop.stopped = true;
        await traffic?.catch(() => 0);
        await worker.stop();
        redis.disconnect();
      }
    }),
};
