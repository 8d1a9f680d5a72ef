import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { seriesKey } from '@vigia/core';
import { HistoryStore, encodeRawRows, openStore, pgMicros, type HistoryBatch, type InsertResult, type SqlClient, type StoredSample, type Store } from '@vigia/db';
import type { Benchmark } from './benchmark.ts';
import { benchSeries } from './bench-series.ts';
import { copyInto, copyText } from './copy-rows.ts';
import { formatRate } from './report.ts';
import { withScratch } from './scratch.ts';
import { TimedSql } from './timed-sql.ts';

const TARGET_SAMPLES_PER_SECOND = 250_000;
const SERIES = 1_000;
const TIMESTAMPS = 1_000;
const STEP_MS = 1_000;
/** storage.batch_size's default first: it is the headline figure. */
const BATCH_SIZES = [20_000, 5_000, 50_000];
const HEADLINE_BATCH = 20_000;

interface Timer {
  waitedMs: number;
  statements: number;
  reset(): void;
}

/**
 * The pool, timed like TimedSql, including the connections it lends for transactions and the
 * COPY streams sent on them (from the call until the server confirmed the COPY).
 */
class TimedPool implements Timer {
  waitedMs = 0;
  statements = 0;

  constructor(private readonly pool: pg.Pool) {}

  private timed<T>(started: number, work: Promise<T>): Promise<T> {
    return work.finally(() => {
      this.waitedMs += performance.now() - started;
      this.statements++;
    });
  }

  query(text: string, params?: unknown[]) {
    return this.timed(performance.now(), this.pool.query(text, params));
  }

  async connect() {
    const client = await this.pool.connect();
    return {
      query: (what: string | Writable, params?: unknown[]) => {
        const started = performance.now();
        if (typeof what === 'string') return this.timed(started, client.query(what, params));
        const stream = client.query(what as never) as Writable;
        void this.timed(started, new Promise((resolve) => stream.once('finish', resolve).once('error', resolve)));
        return stream;
      },
      release: (error?: Error | boolean) => client.release(error),
    };
  }

  reset(): void {
    this.waitedMs = 0;
    this.statements = 0;
  }
}

interface PathFigures {
  path: string;
  batchSize: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  /** Time awaiting PostgreSQL (including pg's parameter encoding); the rest is JavaScript around it. */
  databaseSeconds: number;
  clientSeconds: number;
  statements: number;
  /** How the writes went: paths taken, rows written, batches skipped. */
  outcome: Record<string, number>;
}

function makeSamples(start: number): StoredSample[] {
  const series = benchSeries(SERIES);
  const keys = series.map((s) => seriesKey(s.name, s.labels));
  const samples: StoredSample[] = [];
  // Time-major, as collection produces them: every series at one instant, then the next instant.
  // Each carries its series key, as the persister's stream samples do.
  for (let t = 0; t < TIMESTAMPS; t++) {
    for (let s = 0; s < SERIES; s++) {
      const { name, labels } = series[s]!;
      samples.push({ name, labels, key: keys[s]!, unit: '%', value: 50 + 40 * Math.sin(s + t / 60) + Math.random(), timestamp: start + t * STEP_MS });
    }
  }
  return samples;
}

/** The persister's view: one stream entry per instant (a collection of all 1,000 series), written batchSize samples at a time. */
function asWrites(samples: StoredSample[], batchSize: number): HistoryBatch[][] {
  const writes: HistoryBatch[][] = [];
  for (let i = 0; i < samples.length; i += batchSize) {
    const entries: HistoryBatch[] = [];
    for (let e = i; e < Math.min(i + batchSize, samples.length); e += SERIES) entries.push({ id: `bench:ingest:${e / SERIES}-0`, samples: samples.slice(e, e + SERIES) });
    writes.push(entries);
  }
  return writes;
}

async function emptyTables(store: Store): Promise<void> {
  await store.sql.query('TRUNCATE series, samples_raw, samples_1m, samples_1h, history_batches RESTART IDENTITY');
  // Each run starts without the previous run's dirty pages to write.
  await store.sql.query('CHECKPOINT');
}

async function timedRun<B>(path: string, batchSize: number, writes: B[], timer: Timer, write: (batch: B) => Promise<InsertResult>): Promise<PathFigures> {
  timer.reset();
  const outcome: Record<string, number> = {};
  const started = performance.now();
  for (const batch of writes) {
    const result = await write(batch);
    outcome[`path ${result.path}`] = (outcome[`path ${result.path}`] ?? 0) + 1;
    outcome.written = (outcome.written ?? 0) + result.written;
    outcome.skippedBatches = (outcome.skippedBatches ?? 0) + result.skippedBatches;
  }
  const seconds = (performance.now() - started) / 1000;
  const databaseSeconds = timer.waitedMs / 1000;
  return {
    path,
    batchSize,
    samples: SERIES * TIMESTAMPS,
    seconds: round(seconds, 3),
    samplesPerSecond: Math.round((SERIES * TIMESTAMPS) / seconds),
    databaseSeconds: round(databaseSeconds, 3),
    clientSeconds: round(seconds - databaseSeconds, 3),
    statements: timer.statements,
    outcome,
  };
}

/** Row counts, and the samples the rollups count: both must be exactly the samples inserted. */
async function tableCounts(store: Store): Promise<Record<string, number>> {
  const { rows } = await store.sql.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM samples_raw)::int AS raw, (SELECT count(*) FROM samples_1m)::int AS "1m", (SELECT count(*) FROM samples_1h)::int AS "1h",
      (SELECT sum(count) FROM samples_1m)::int AS "1mSamples", (SELECT sum(count) FROM samples_1h)::int AS "1hSamples"`,
  );
  return rows[0]!;
}

function checkCounts(counts: Record<string, number>, samples: number, path: string): void {
  for (const column of ['raw', '1mSamples', '1hSamples']) {
    if (counts[column] !== samples) throw new Error(`${path}: ${column} is ${counts[column]} after inserting ${samples} samples`);
  }
}

async function copyBinary(databaseUrl: string, table: string, data: Buffer): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyFrom(`COPY ${table} (series_id, ts, value) FROM STDIN (FORMAT binary)`));
    await pipeline(Readable.from([data]), stream);
    return { rows: stream.rowCount, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** History ingest through HistoryStore, next to a plain COPY of the same rows. */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  expectedSeconds: 90,
  run: (log) =>
    withScratch(async ({ databaseUrl }) => {
      const store = await openStore({ url: databaseUrl, poolSize: 2 });
      try {
        // Hour-aligned, so the 1,000 s of data fall in one hour bucket and 17 minute buckets per series.
        const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
        const samples = makeSamples(start);
        log(`${samples.length.toLocaleString('en-US')} samples (${SERIES} series × ${TIMESTAMPS} timestamps, 1 s apart), stream entries of ${SERIES} samples`);
        const pool = new TimedPool(store.sql as unknown as pg.Pool);
        const runs: PathFigures[] = [];
        let counts: Record<string, number> = {};

        for (const batchSize of BATCH_SIZES) {
          await emptyTables(store);
          const history = new HistoryStore(pool as unknown as SqlClient);
          const run = await timedRun('HistoryStore.insertBatches (ledger, COPY, rollups from JavaScript)', batchSize, asWrites(samples, batchSize), pool, (b) => history.insertBatches(b));
          counts = await tableCounts(store);
          checkCounts(counts, samples.length, run.path);
          runs.push(run);
          log(
            `insertBatches, ${batchSize.toLocaleString('en-US')} per write: ${formatRate(run.samplesPerSecond)} (${run.seconds.toFixed(2)} s; waiting on PostgreSQL ${run.databaseSeconds.toFixed(2)} s)`,
          );
        }
        const headline = runs.find((r) => r.batchSize === HEADLINE_BATCH)!;

        // The persister after a crash between commit and ack: every batch again, all in the ledger already.
        const retryHistory = new HistoryStore(pool as unknown as SqlClient);
        const retry = await timedRun('the same writes again (a retry: every entry in the ledger)', BATCH_SIZES.at(-1)!, asWrites(samples, BATCH_SIZES.at(-1)!), pool, (b) =>
          retryHistory.insertBatches(b),
        );
        checkCounts(await tableCounts(store), samples.length, retry.path);
        log(`retry of everything: ${retry.seconds.toFixed(2)} s, ${retry.outcome.skippedBatches} entries skipped, ${retry.outcome.written} rows written`);

        // The statement every write used before, and the one a batch falls back to when it meets
        // stored rows: a client without transactions gets it for every write.
        await emptyTables(store);
        const timed = new TimedSql(store.sql);
        const conflictHistory = new HistoryStore(timed);
        const conflictPath = await timedRun(
          'ON CONFLICT statement (raw + 1m + 1h in one statement; the previous path, now the fallback)',
          HEADLINE_BATCH,
          asWrites(samples, HEADLINE_BATCH),
          timed,
          (b) => conflictHistory.insert(b.flatMap((e) => e.samples)),
        );
        checkCounts(await tableCounts(store), samples.length, conflictPath.path);
        log(`ON CONFLICT statement, ${HEADLINE_BATCH.toLocaleString('en-US')} per write: ${formatRate(conflictPath.samplesPerSecond)} (${conflictPath.seconds.toFixed(2)} s)`);

        const ids = await conflictHistory.seriesIds(samples.slice(0, SERIES));
        const rows = samples.map((s) => ({ seriesId: ids.get(s.key!)!, ts: s.timestamp, value: s.value }));
        const renderStarted = performance.now();
        const chunks = copyText(rows);
        const renderSeconds = (performance.now() - renderStarted) / 1000;
        const binaryStarted = performance.now();
        const binary = encodeRawRows({
          length: rows.length,
          seriesIds: Int32Array.from(rows, (r) => r.seriesId),
          micros: Float64Array.from(rows, (r) => pgMicros(r.ts)),
          values: Float64Array.from(rows, (r) => r.value),
        });
        const encodeSeconds = (performance.now() - binaryStarted) / 1000;
        await store.sql.query('CREATE TABLE copy_target (series_id int, ts timestamptz, value float8)');
        await store.sql.query('CREATE TABLE copy_target_pk (series_id int, ts timestamptz, value float8, PRIMARY KEY (series_id, ts))');
        await store.sql.query('CREATE TABLE copy_target_pk_binary (series_id int, ts timestamptz, value float8, PRIMARY KEY (series_id, ts))');
        await store.sql.query('CHECKPOINT');
        const copy = await copyInto(databaseUrl, 'copy_target', chunks);
        await store.sql.query('CHECKPOINT');
        const copyPk = await copyInto(databaseUrl, 'copy_target_pk', chunks);
        await store.sql.query('CHECKPOINT');
        const copyPkBinary = await copyBinary(databaseUrl, 'copy_target_pk_binary', binary);
        for (const c of [copy, copyPk, copyPkBinary]) if (c.rows !== samples.length) throw new Error(`COPY reported ${c.rows} rows for ${samples.length}`);
        log(`COPY text, no index: ${copy.seconds.toFixed(2)} s; with (series_id, ts) primary key: ${copyPk.seconds.toFixed(2)} s; binary with primary key: ${copyPkBinary.seconds.toFixed(2)} s`);

        const pass = headline.samplesPerSecond >= TARGET_SAMPLES_PER_SECOND;
        const copyRate = Math.round(samples.length / copy.seconds);
        const shortBy = TARGET_SAMPLES_PER_SECOND - headline.samplesPerSecond;
        const describeRun = (r: PathFigures, label: string) =>
          `${label}, batch ${String(r.batchSize).padStart(6)}: ${formatRate(r.samplesPerSecond).padStart(10)}  ${r.seconds.toFixed(2)} s = PostgreSQL ${r.databaseSeconds.toFixed(2)} s + client ${r.clientSeconds.toFixed(2)} s`;
        return {
          target: `history ingest into PostgreSQL ≥ ${TARGET_SAMPLES_PER_SECOND.toLocaleString('en-US')} samples/s sustained on the batch path (indexes on)`,
          pass,
          headline: `${formatRate(headline.samplesPerSecond)} in batches of ${HEADLINE_BATCH.toLocaleString('en-US')} (target ≥ ${formatRate(TARGET_SAMPLES_PER_SECOND)}); raw COPY of the same rows ${formatRate(copyRate)} (${copy.seconds.toFixed(2)} s)`,
          details: [
            ...runs.map((r) => describeRun(r, 'insertBatches (COPY + rollups)')),
            describeRun(conflictPath, 'ON CONFLICT statement (before)'),
            `retry of every write (all entries in the ledger): ${retry.seconds.toFixed(2)} s, ${retry.outcome.written} rows written`,
            `COPY text into copy_target (no index): ${formatRate(copyRate)}  ${copy.seconds.toFixed(2)} s; into copy_target_pk (primary key): ${formatRate(samples.length / copyPk.seconds)}  ${copyPk.seconds.toFixed(2)} s; binary into copy_target_pk_binary: ${formatRate(samples.length / copyPkBinary.seconds)}  ${copyPkBinary.seconds.toFixed(2)} s; rendering the text ${renderSeconds.toFixed(2)} s, the binary ${encodeSeconds.toFixed(2)} s (not counted)`,
            `rows after the insert path: raw ${counts.raw}, 1m ${counts['1m']}, 1h ${counts['1h']}; samples counted by the rollups: 1m ${counts['1mSamples']}, 1h ${counts['1hSamples']}`,
            pass
              ? `the insert path takes ${(headline.seconds / copy.seconds).toFixed(1)}× the unindexed COPY's time, ${(headline.seconds / copyPk.seconds).toFixed(1)}× the text COPY with the primary key`
              : `MISSED: ${formatRate(shortBy)} short of the target (${((shortBy / TARGET_SAMPLES_PER_SECOND) * 100).toFixed(0)} % below); the insert path takes ${(headline.seconds / copy.seconds).toFixed(1)}× the raw COPY's time`,
          ],
          figures: {
            samples: samples.length,
            series: SERIES,
            timestamps: TIMESTAMPS,
            order: 'time-major (every series at one instant, then the next), one stream entry per instant, as the persister receives them',
            insertPath: runs,
            retryPath: retry,
            conflictPath,
            copy: {
              format: 'COPY ... FROM STDIN via pg-copy-streams, text and binary rendered beforehand',
              noIndex: { table: 'copy_target', rows: copy.rows, seconds: round(copy.seconds, 3), rowsPerSecond: copyRate },
              primaryKey: { table: 'copy_target_pk', rows: copyPk.rows, seconds: round(copyPk.seconds, 3), rowsPerSecond: Math.round(samples.length / copyPk.seconds) },
              primaryKeyBinary: { table: 'copy_target_pk_binary', rows: copyPkBinary.rows, seconds: round(copyPkBinary.seconds, 3), rowsPerSecond: Math.round(samples.length / copyPkBinary.seconds) },
              renderSeconds: round(renderSeconds, 3),
              encodeBinarySeconds: round(encodeSeconds, 3),
            },
            rowsAfterInsert: counts,
            insertVsCopyTimeRatio: round(headline.seconds / copy.seconds, 2),
            targetSamplesPerSecond: TARGET_SAMPLES_PER_SECOND,
            shortOfTargetBy: pass ? 0 : shortBy,
          },
        };
      } finally {
        await store.close();
      }
    }),
};
