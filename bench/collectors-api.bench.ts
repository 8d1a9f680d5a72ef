import pg from 'pg';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { redisKeys, type CollectorHealth } from '@vigia/live';
import type { Benchmark } from './benchmark.ts';
import { builtInCollectors } from './collector-plugins.ts';
import { sleep } from './poll.ts';
import { formatMs, formatRate } from './report.ts';
import { sampleProcess } from './proc-stats.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';
import { startWorkerProcess, troubleLines } from './worker-process.ts';

const RATE = 20_000;
const SECONDS = 30;
const TOTAL = RATE * SECONDS;
const PRODUCERS = 4;
const STEP_MS = 10;
const INTERVAL = '1s';

function apiOnlyYaml(seedPrefix: string): string {
  const others = builtInCollectors().filter((n) => n !== 'api');
  return ['collectors:', '  api:', `    interval: ${INTERVAL}`, `    prefix: "${seedPrefix}"`, ...others.flatMap((n) => [`  ${n}:`, '    enabled: false']), ''].join('\n');
}

interface ProducerResult {
  sent: number;
  /** Round trip of each pipeline (ms): a Redis blocked by the collector's script shows here. */
  roundTripsMs: number[];
  errors: number;
}

/**
 * One application instance: every STEP_MS it sends, in one pipeline, the requests it owes to
 * keep its share of RATE (INCR request_count + LPUSH response_times each, the seed's protocol).
 * Owing is computed from the clock, so a late timer is made up at the next step, not lost.
 */
async function produce(redis: Redis, p: string, share: number, count: number, startedAt: number, deadline: number): Promise<ProducerResult> {
  const requests = `${p}metrics:request_count`;
  const times = `${p}metrics:response_times`;
  const result: ProducerResult = { sent: 0, roundTripsMs: [], errors: 0 };
  while (result.sent < count && Date.now() < deadline) {
    const owed = Math.min(count, Math.floor(((performance.now() - startedAt) / 1000) * share)) - result.sent;
    if (owed > 0) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < owed; i++) pipeline.incr(requests).lpush(times, (0.005 + Math.random() * 0.5).toFixed(6));
      const t0 = performance.now();
      const replies = (await pipeline.exec()) ?? [];
      result.roundTripsMs.push(performance.now() - t0);
      result.errors += replies.filter(([error]) => error).length;
      result.sent += owed;
    }
    await sleep(STEP_MS);
  }
  return result;
}

/** vigia_ingest_rejected_total by reason, as the workers counted it in PostgreSQL. */
async function rejectedTotals(databaseUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ reason: string; total: number }>('SELECT reason, total::float8 AS total FROM ingest_rejections');
    return Object.fromEntries(rows.map((r) => [r.reason, r.total]));
  } finally {
    await client.end();
  }
}

async function historySum(databaseUrl: string, name: string): Promise<{ rows: number; sum: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number; s: number | null }>(
      `SELECT count(*)::int AS n, sum(r.value)::float8 AS s FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1`,
      [name],
    );
    return { rows: rows[0]?.n ?? 0, sum: rows[0]?.s ?? 0 };
  } finally {
    await client.end();
  }
}

/** 20,000 response times a second pushed in the seed's protocol; the api collector in a real worker at 1 s. */
export const apiCollectorBenchmark: Benchmark = {
  name: 'api-collector',
  expectedSeconds: 75,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const seedPrefix = `${prefix}:mcp:`;
      const keys = redisKeys(prefix);
      const listKey = `${seedPrefix}metrics:response_times`;
      const consumedKey = keys.window(seriesKey('api_response_times_consumed'));
      const monitor = new Redis(REDIS_URL);
      const producers = Array.from({ length: PRODUCERS }, () => new Redis(REDIS_URL));
      const worker = startWorkerProcess(databaseUrl, prefix, apiOnlyYaml(seedPrefix));
      let watching = true;
      try {
        await worker.waitFor(async () => (await monitor.hexists(keys.latest, 'api_requests_total')) === 1, 'the first api collector tick', { timeoutMs: 90_000 });
        // Two quiet ticks so the counter snapshot exists before traffic starts.
        await sleep(2_500);
        log(`worker pid ${worker.app.pid}; ${PRODUCERS} producers, ${formatRate(RATE)} for ${SECONDS} s (${TOTAL.toLocaleString('en-US')} requests)`);

        // The list's length and each collector run, watched every 100 ms.
        const lengths: { at: number; length: number }[] = [];
        const runs = new Map<number, number>();
        const watch = (async () => {
          const until = Date.now() + (SECONDS + 30) * 1000;
          while (watching && Date.now() < until) {
            const [length, raw] = await Promise.all([monitor.llen(listKey), monitor.hget(keys.collectors, 'api')]);
            lengths.push({ at: Date.now(), length });
            if (raw) {
              const h = JSON.parse(raw) as CollectorHealth;
              if (h.lastRunAt !== undefined && h.lastDurationMs !== undefined) runs.set(h.lastRunAt, h.lastDurationMs);
            }
            await sleep(100);
          }
        })();

        const startedAt = performance.now();
        const wallStart = Date.now();
        const workerUsage = sampleProcess(worker.app.pid, SECONDS);
        const deadline = Date.now() + (SECONDS + 15) * 1000;
        const shares = producers.map((_, i) => Math.floor(TOTAL / PRODUCERS) + (i < TOTAL % PRODUCERS ? 1 : 0));
        const results = await Promise.all(producers.map((r, i) => produce(r, seedPrefix, RATE / PRODUCERS, shares[i]!, startedAt, deadline)));
        const produceSeconds = (performance.now() - startedAt) / 1000;
        const produced = results.reduce((s, r) => s + r.sent, 0);
        const used = await workerUsage;

        // Drained: the list is empty and a tick after the last push has counted everything.
        const drainStarted = performance.now();
        await worker
          .waitFor(
            async () => {
              const [length, total] = await Promise.all([monitor.llen(listKey), monitor.hget(keys.latest, 'api_requests_total')]);
              return length === 0 && total !== null && (JSON.parse(total) as { value: number }).value >= produced;
            },
            'the collector to count every request',
            { timeoutMs: 15_000, intervalMs: 100 },
          )
          .catch(() => false);
        const drainSeconds = (performance.now() - drainStarted) / 1000;
        await sleep(1_500);
        watching = false;
        await watch;

        const latest = await monitor.hget(keys.latest, 'api_requests_total');
        const requestsTotal = latest ? (JSON.parse(latest) as { value: number }).value : null;
        const counterInRedis = Number(await monitor.get(`${seedPrefix}metrics:request_count`));
        const members = await monitor.zrangebyscore(consumedKey, wallStart - 5_000, '+inf');
        const perTick = members.map((m) => Number(m.slice(m.indexOf(':') + 1)));
        const consumedRedis = perTick.reduce((s, v) => s + v, 0);
        const rejected = await rejectedTotals(databaseUrl);
        const overflow = rejected.response_times_overflow ?? 0;
        const invalid = rejected.invalid_response_time ?? 0;
        const listLeft = await monitor.llen(listKey);
        await sleep(2_000);
        const consumedHistory = await historySum(databaseUrl, 'api_response_times_consumed');
        const warnings = troubleLines(worker.app);
        await worker.stop();

        const maxLength = Math.max(0, ...lengths.map((l) => l.length));
        const roundTrips = distribution(results.flatMap((r) => r.roundTripsMs));
        const runDurations = distribution([...runs.values()]);
        const busyTicks = perTick.filter((v) => v > 0);
        const errors = results.reduce((s, r) => s + r.errors, 0);
        const exact = requestsTotal === produced && consumedRedis === produced && overflow === 0 && errors === 0;
        // One interval's worth is expected; three would mean a tick was missed or ran late.
        const bounded = maxLength <= 3 * RATE;
        const achievedRate = produced / produceSeconds;
        const keptUp = achievedRate >= RATE * 0.98;
        return {
          target: `the api collector keeps up with ${formatRate(RATE)} pushed response times with an exact count`,
          pass: exact && bounded && keptUp && listLeft === 0,
          headline: `${produced.toLocaleString('en-US')} produced at ${formatRate(achievedRate)}: api_requests_total ${requestsTotal?.toLocaleString('en-US')}, consumed ${consumedRedis.toLocaleString('en-US')} (${exact ? 'exact' : 'NOT EXACT'}), list max ${maxLength.toLocaleString('en-US')}`,
          details: [
            `api_response_times_consumed: ${consumedRedis.toLocaleString('en-US')} in the live window over ${perTick.length} ticks (${busyTicks.length} with traffic, ${formatRate(consumedRedis / Math.max(1, busyTicks.length))} per busy tick), ${consumedHistory.sum.toLocaleString('en-US')} in PostgreSQL over ${consumedHistory.rows} rows`,
            `overflow ${overflow}, invalid ${invalid}, producer errors ${errors}; list left ${listLeft}; request_count key ${counterInRedis.toLocaleString('en-US')}; drained ${drainSeconds.toFixed(1)} s after the last push`,
            `list length seen every 100 ms: max ${maxLength.toLocaleString('en-US')} (one interval at ${formatRate(RATE)} is ${RATE.toLocaleString('en-US')})`,
            `collector run (take + summarise + write): p50 ${formatMs(runDurations.p50)}, max ${formatMs(runDurations.max)} over ${runDurations.count} runs seen`,
            `producer pipeline round trip (${STEP_MS} ms steps): p50 ${formatMs(roundTrips.p50)}, p99 ${formatMs(roundTrips.p99)}, max ${formatMs(roundTrips.max)}`,
            `worker CPU ${used.cpuPercent.toFixed(1)} % of one core, RSS max ${Math.max(...used.rssMB).toFixed(0)} MB; ${warnings.length} warning line(s)${warnings.length ? `, the first: ${warnings[0]}` : ''}`,
            ...(exact ? [] : [`MISSED: counts differ — produced ${produced}, api_requests_total ${requestsTotal}, consumed ${consumedRedis}, overflow ${overflow}`]),
            ...(keptUp ? [] : [`MISSED: producers reached only ${formatRate(achievedRate)}`]),
          ],
          figures: {
            ratePerSecond: RATE,
            seconds: SECONDS,
            producers: PRODUCERS,
            interval: INTERVAL,
            produced,
            produceSeconds: Math.round(produceSeconds * 100) / 100,
            achievedRatePerSecond: Math.round(achievedRate),
            apiRequestsTotal: requestsTotal,
            requestCountKey: counterInRedis,
            responseTimesConsumed: { liveWindow: consumedRedis, postgres: consumedHistory.sum, ticks: perTick.length, busyTicks: busyTicks.length, perTick },
            rejected: { overflow, invalid },
            producerErrors: errors,
            exact,
            listLength: { max: maxLength, leftAtEnd: listLeft, boundedBy: 3 * RATE, samples: lengths.length },
            collectorRunMs: rounded(runDurations),
            producerRoundTripMs: rounded(roundTrips),
            drainSeconds: Math.round(drainSeconds * 10) / 10,
            worker: { cpuPercentOfOneCore: Math.round(used.cpuPercent * 100) / 100, rssMBMax: Math.round(Math.max(...used.rssMB)) },
            workerWarnings: warnings.slice(0, 20),
          },
        };
      } finally {
        watching = false;
        await worker.stop();
        monitor.disconnect();
        for (const r of producers) r.disconnect();
      }
    }),
};
