import pg from 'pg';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { HistoryStore, openStore, type StoredSample } from '@vigia/db';
import { SampleWriter, redisKeys } from '@vigia/live';
import { benchSeries } from './bench-series.ts';

export const STORAGE_SERIES = 1_000;
export const STORAGE_STEP_MS = 5_000;
/** One hour of ticks: every 1-minute bucket filled, one 1-hour bucket. */
const STORAGE_TICKS = 720;

export interface TableSize {
  rows: number;
  /** heap + indexes + TOAST, as the disk holds it right after the writes */
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
  bytesPerRow: number;
  /** after VACUUM FULL: the rows without the dead versions the rollup upserts leave behind */
  compactTotalBytes: number;
  compactBytesPerRow: number;
}

export interface RetentionPass {
  /** How PostgreSQL finds the rows past retention (`DELETE … WHERE ts < $1`): the plan's top scan. */
  scan: string;
  /** One pass that finds nothing to delete, over this table's rows. */
  ms: number;
  rows: number;
}

export interface StorageFigures {
  series: number;
  stepSeconds: number;
  ticks: number;
  insertSeconds: number;
  /** The retention job's statement on samples_raw, with nothing old enough to go. */
  retentionPass: RetentionPass;
  tables: Record<'samples_raw' | 'samples_1m' | 'samples_1h' | 'series', TableSize>;
}

async function sizes(db: pg.Client, table: string) {
  const { rows } = await db.query<{ total: string; heap: string; indexes: string; n: number }>(
    `SELECT pg_total_relation_size($1::regclass) AS total, pg_relation_size($1::regclass) AS heap, pg_indexes_size($1::regclass) AS indexes, (SELECT count(*)::int FROM ${table}) AS n`,
    [table],
  );
  const r = rows[0]!;
  return { rows: r.n, totalBytes: Number(r.total), heapBytes: Number(r.heap), indexBytes: Number(r.indexes) };
}

/** The retention statement as HistoryStore.enforceRetention runs it, timed and explained, in a transaction rolled back. */
async function retentionScan(db: pg.Client, cutoff: Date): Promise<RetentionPass> {
  const statement = 'DELETE FROM samples_raw WHERE ts < $1';
  await db.query('BEGIN');
  try {
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Node Type': string; Plans?: { 'Node Type': string; 'Index Name'?: string }[] }; 'Execution Time': number }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`,
      [cutoff],
    );
    const [plan] = rows[0]!['QUERY PLAN'];
    const scan = plan.Plan.Plans?.[0];
    const { rows: count } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM samples_raw');
    return {
      scan: scan ? `${scan['Node Type']}${scan['Index Name'] ? ` on ${scan['Index Name']}` : ''}` : plan.Plan['Node Type'],
      ms: Math.round(plan['Execution Time'] * 10) / 10,
      rows: count[0]!.n,
    };
  } finally {
    await db.query('ROLLBACK');
  }
}

/**
 * An hour of STORAGE_SERIES series at STORAGE_STEP_MS written through HistoryStore.insert one tick
 * at a time (as the persister writes a 5-second collector), then the size of each table, as
 * written and compacted.
 */
export async function storageRun(databaseUrl: string, log: (line: string) => void): Promise<StorageFigures> {
  const store = await openStore({ url: databaseUrl, poolSize: 2 });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('TRUNCATE series, samples_raw, samples_1m, samples_1h RESTART IDENTITY');
    const history = new HistoryStore(store.sql);
    const series = benchSeries(STORAGE_SERIES);
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    const started = performance.now();
    for (let t = 0; t < STORAGE_TICKS; t++) {
      const timestamp = start + t * STORAGE_STEP_MS;
      const batch: StoredSample[] = series.map(({ name, labels }, i) => ({ name, labels, unit: '%', value: Math.round((50 + 40 * Math.sin(i + t / 60)) * 100) / 100, timestamp }));
      await history.insert(batch);
    }
    const insertSeconds = (performance.now() - started) / 1000;
    log(`${(STORAGE_TICKS * STORAGE_SERIES).toLocaleString('en-US')} samples (1 h of ${STORAGE_SERIES} series at ${STORAGE_STEP_MS / 1000} s) inserted tick by tick in ${insertSeconds.toFixed(1)} s`);
    const tables = ['samples_raw', 'samples_1m', 'samples_1h', 'series'] as const;
    // Statistics and the visibility map, as autovacuum would have left them; sizes stay as written.
    await db.query(`VACUUM ANALYZE ${tables.join(', ')}`);
    const retentionPass = await retentionScan(db, new Date(start - 86_400_000));
    log(`retention pass on samples_raw (nothing to delete): ${retentionPass.scan}, ${retentionPass.ms} ms over ${retentionPass.rows.toLocaleString('en-US')} rows`);
    const written: Record<string, Awaited<ReturnType<typeof sizes>>> = {};
    for (const t of tables) written[t] = await sizes(db, t);
    await db.query(`VACUUM FULL ${tables.join(', ')}`);
    const out = {} as StorageFigures['tables'];
    for (const t of tables) {
      const before = written[t]!;
      const compact = await sizes(db, t);
      out[t] = {
        ...before,
        bytesPerRow: Math.round((before.totalBytes / before.rows) * 10) / 10,
        compactTotalBytes: compact.totalBytes,
        compactBytesPerRow: Math.round((compact.totalBytes / compact.rows) * 10) / 10,
      };
      log(`${t}: ${before.rows.toLocaleString('en-US')} rows, ${(before.totalBytes / 1e6).toFixed(2)} MB (${out[t].bytesPerRow} B/row; ${out[t].compactBytesPerRow} B/row compacted)`);
    }
    return { series: STORAGE_SERIES, stepSeconds: STORAGE_STEP_MS / 1000, ticks: STORAGE_TICKS, insertSeconds: Math.round(insertSeconds * 100) / 100, retentionPass, tables: out };
  } finally {
    await db.end();
    await store.close();
  }
}

export interface LiveWindowFigures {
  series: number;
  ticks: number;
  stepSeconds: number;
  /** One series' live window holding `ticks` samples (a sorted set past listpack size). */
  windowBytesPerSeries: number;
  windowBytesPerSample: number;
  /** A short window (under 128 samples: Redis' compact encoding), for comparison. */
  shortWindowBytesPerSample: number;
  /** The newest-value hash, per series. */
  latestBytesPerSeries: number;
  /** Stream entries hold whole batches; per sample they cost about the same in either stream. */
  streamBytesPerSample: number;
  batchSamples: number;
}

/**
 * What the live data costs in Redis: LIVE_TICKS ticks of `series` series written by SampleWriter
 * (a live window of an hour at 5 s), measured with MEMORY USAGE key by key.
 */
export async function liveWindowRun(redisUrl: string, prefix: string, log: (line: string) => void): Promise<LiveWindowFigures> {
  const series = benchSeries(100);
  const ticks = 720;
  const stepMs = 5_000;
  const redis = new Redis(redisUrl);
  const keys = redisKeys(`${prefix}:live-window`);
  const shortKeys = redisKeys(`${prefix}:short-window`);
  try {
    const writer = new SampleWriter(redis, keys, { liveWindowMs: ticks * stepMs });
    const shortWriter = new SampleWriter(redis, shortKeys, { liveWindowMs: ticks * stepMs });
    const start = Date.now() - ticks * stepMs;
    for (let t = 0; t < ticks; t++) {
      const timestamp = start + t * stepMs;
      const samples = series.map(({ name, labels }, i) => ({ key: seriesKey(name, labels), name, labels, value: Math.round((50 + 40 * Math.sin(i + t / 60)) * 100) / 100, timestamp }));
      await writer.write({ source: 'bench', samples });
      if (t < 100) await shortWriter.write({ source: 'bench', samples });
    }
    const usage = (key: string) => redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') as Promise<number>;
    const windows = await Promise.all(series.map((s) => usage(keys.window(seriesKey(s.name, s.labels)))));
    const shortWindows = await Promise.all(series.map((s) => usage(shortKeys.window(seriesKey(s.name, s.labels)))));
    const [latest, ingest, ingestLength] = await Promise.all([usage(keys.latest), usage(keys.ingest), redis.xlen(keys.ingest)]);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const figures: LiveWindowFigures = {
      series: series.length,
      ticks,
      stepSeconds: stepMs / 1000,
      windowBytesPerSeries: Math.round(mean(windows)),
      windowBytesPerSample: Math.round((mean(windows) / ticks) * 10) / 10,
      shortWindowBytesPerSample: Math.round((mean(shortWindows) / 100) * 10) / 10,
      latestBytesPerSeries: Math.round(latest / series.length),
      streamBytesPerSample: Math.round((ingest / (ingestLength * series.length)) * 10) / 10,
      batchSamples: series.length,
    };
    log(
      `live window: ${figures.windowBytesPerSeries.toLocaleString('en-US')} B per series for ${ticks} samples (${figures.windowBytesPerSample} B/sample; ${figures.shortWindowBytesPerSample} B/sample under 128); stream ${figures.streamBytesPerSample} B/sample`,
    );
    return figures;
  } finally {
    redis.disconnect();
  }
}
