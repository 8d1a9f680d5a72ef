import { loadConfig } from '@vigia/config';
import type { Benchmark } from './benchmark.ts';
import { formatRate } from './report.ts';
import { collectorCosts } from './scaling-collectors.ts';
import { persisterRun, type PersisterRun } from './scaling-persister.ts';
import { startBenchRedis } from './scaling-redis.ts';
import { steadyRun } from './scaling-steady.ts';
import { liveWindowRun, storageRun, type StorageFigures } from './scaling-storage.ts';
import { withScratch } from './scratch.ts';

const WORKER_COUNTS = [1, 2, 3];
/** More workers may not make history slower than this share of one worker's rate. */
const TARGET_SHARE = 0.8;
const DAY_S = 86_400;
const INTERVALS_S = [1, 5, 10, 60];

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Bytes one series keeps on disk per day and at the shipped retention, from the measured bytes per
 * row. Raw rows are only inserted: as written. Rollup rows are rewritten on every sample of their
 * bucket; autovacuum makes the dead versions reusable, so over days a rollup table holds its live
 * rows (the compacted size) plus the churn of the buckets being filled, which does not grow with
 * retention (`churnBytes`, measured as written minus compacted after an hour).
 */
function projection(storage: StorageFigures) {
  // The shipped config/monitoring.yaml's retention.
  const { retention } = loadConfig({ env: {} });
  const t = storage.tables;
  const days = { raw: retention.raw / 86_400_000, '1m': retention['1m'] / 86_400_000, '1h': retention['1h'] / 86_400_000 };
  const rawPerDay = Object.fromEntries(INTERVALS_S.map((s) => [`${s}s`, round((DAY_S / s) * t.samples_raw.bytesPerRow, 0)]));
  const perSeriesPerDay = { raw: rawPerDay, '1m': round(1_440 * t.samples_1m.compactBytesPerRow, 0), '1h': round(24 * t.samples_1h.compactBytesPerRow, 0) };
  const gb = (bytes: number) => round(bytes / 1e9, 2);
  const thousandSeriesAt5sGB = {
    raw: gb(rawPerDay['5s']! * days.raw * 1_000),
    '1m': gb(perSeriesPerDay['1m'] * days['1m'] * 1_000),
    '1h': gb(perSeriesPerDay['1h'] * days['1h'] * 1_000),
    series: gb(t.series.bytesPerRow * 1_000),
  };
  return {
    retentionDays: days,
    perSeriesPerDayBytes: perSeriesPerDay,
    thousandSeriesAt5sGB: { ...thousandSeriesAt5sGB, total: round(thousandSeriesAt5sGB.raw + thousandSeriesAt5sGB['1m'] + thousandSeriesAt5sGB['1h'] + thousandSeriesAt5sGB.series, 2) },
    churnBytes: { '1m': t.samples_1m.totalBytes - t.samples_1m.compactTotalBytes, '1h': t.samples_1h.totalBytes - t.samples_1h.compactTotalBytes },
  };
}

/**
 * How far one Redis and one PostgreSQL go: history drain rate with 1-3 workers, what a collected
 * sample costs each of them, how big history gets, and each collector's cost per tick.
 */
export const scalingBenchmark: Benchmark = {
  name: 'scaling',
  expectedSeconds: 240,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const redis = await startBenchRedis();
      if (!redis.isolated) log('no redis-server to start: using the shared Redis, so command counts include other clients');
      try {
        const persister: PersisterRun[] = [];
        for (const workers of WORKER_COUNTS) persister.push(await persisterRun(workers, { databaseUrl, redisUrl: redis.url, prefix: `${prefix}:persist-${workers}` }, log));
        const steady = await steadyRun({ databaseUrl, redisUrl: redis.url, prefix: `${prefix}:steady` }, log);
        const storage = await storageRun(databaseUrl, log);
        const live = await liveWindowRun(redis.url, prefix, log);
        const collectors = await collectorCosts({ databaseUrl, redisUrl: redis.url }, log);
        const projected = projection(storage);

        const one = persister[0]!.samplesPerSecond;
        const worst = Math.min(...persister.map((p) => p.samplesPerSecond));
        const pass = worst >= TARGET_SHARE * one;
        const raw = storage.tables.samples_raw;
        return {
          target: `history drain with ${WORKER_COUNTS.join(', ')} workers on one PostgreSQL: none below ${TARGET_SHARE * 100} % of one worker's rate (the rest is measured, not judged)`,
          pass,
          headline: `drain ${persister.map((p) => `${p.workers}w ${formatRate(p.samplesPerSecond)}`).join(', ')}; ${steady.redis.commandsPerSample} Redis cmds and ${raw.bytesPerRow} B of samples_raw per sample`,
          details: [
            ...persister.map(
              (p) =>
                `history drain, ${p.workers} worker${p.workers > 1 ? 's' : ''}: median ${formatRate(p.samplesPerSecond)} of ${p.drains.map((d) => formatRate(d.samplesPerSecond)).join(', ')} (${p.drains[0]!.samples.toLocaleString('en-US')} samples each; deadlocks retried ${p.deadlocks})`,
            ),
            `1,000 series every 5 s (1 worker + 1 API): ${steady.redis.commandsPerSample} Redis commands and ${steady.redis.cpuMicrosPerSample} µs of Redis CPU per sample (${steady.redis.commandsPerTick.toLocaleString('en-US')} commands per tick), ${steady.redis.netInBytesPerSample} B in / ${steady.redis.netOutBytesPerSample} B out per sample; CPU worker ${steady.cpuPercentOfOneCore.worker} %, API ${steady.cpuPercentOfOneCore.api} % of a core`,
            `PostgreSQL at that load: ${steady.postgres.rawRowsPerSecond} raw rows/s, rollup upserts ${steady.postgres.rollupUpsertsPerSecond['1m']}/s (1m) + ${steady.postgres.rollupUpsertsPerSecond['1h']}/s (1h), ${steady.postgres.rowVersionsPerSample} row versions per sample`,
            `bytes per row (with indexes): raw ${raw.bytesPerRow}, 1m ${storage.tables.samples_1m.bytesPerRow} as written / ${storage.tables.samples_1m.compactBytesPerRow} compacted, 1h ${storage.tables.samples_1h.bytesPerRow} / ${storage.tables.samples_1h.compactBytesPerRow}`,
            `retention pass on samples_raw with nothing to delete: ${storage.retentionPass.scan}, ${storage.retentionPass.ms} ms over ${storage.retentionPass.rows.toLocaleString('en-US')} rows`,
            `1,000 series at 5 s at the shipped retention: raw ${projected.thousandSeriesAt5sGB.raw} GB + 1m ${projected.thousandSeriesAt5sGB['1m']} GB + 1h ${projected.thousandSeriesAt5sGB['1h']} GB = ${projected.thousandSeriesAt5sGB.total} GB (plus ${round((projected.churnBytes['1m'] + projected.churnBytes['1h']) / 1e6)} MB of rollup rows being rewritten)`,
            `Redis live window: ${live.windowBytesPerSample} B per sample past 128 samples (${live.shortWindowBytesPerSample} below), newest value ${live.latestBytesPerSeries} B per series, streams ${live.streamBytesPerSample} B per sample`,
            ...collectors.map(
              (c) =>
                `collector ${c.collector}: ${c.samplesPerTick} samples, ${c.cpuMsPerTick} ms CPU and ${c.wallMsPerTick} ms wall per tick = ${c.cpuPercentOfOneCoreAtInterval} % of a core every ${c.intervalSeconds} s`,
            ),
          ],
          figures: {
            redisIsolated: redis.isolated,
            persister,
            steady,
            storage,
            projection: projected,
            liveWindow: live,
            collectors,
            targetShareOfOneWorker: TARGET_SHARE,
          },
        };
      } finally {
        await redis.stop();
      }
    }),
};
