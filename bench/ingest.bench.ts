import { seriesKey } from '@vigia/core';
import { HistoryStore, openStore, type StoredSample, type Store } from '@vigia/db';
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

// The raw half of HistoryStore's statement alone, to show what the two rollups cost on top.
const RAW_ONLY = `INSERT INTO samples_raw (series_id, ts, value)
  SELECT series_id, to_timestamp(ts_ms / 1000.0), value FROM unnest($1::int[], $2::float8[], $3::float8[]) AS t(series_id, ts_ms, value)
  ON CONFLICT DO NOTHING`;

// Only ships and unpacks the three arrays: the floor under any unnest-based insert.
const TRANSPORT_ONLY = `SELECT count(*) FROM unnest($1::int[], $2::float8[], $3::float8[])`;

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
}

function makeSamples(start: number): StoredSample[] {
  const series = benchSeries(SERIES);
  const samples: StoredSample[] = [];
  // Time-major, as collection produces them: every series at one instant, then the next instant.
  for (let t = 0; t < TIMESTAMPS; t++) {
    for (let s = 0; s < SERIES; s++) {
      const { name, labels } = series[s]!;
      samples.push({ name, labels, unit: '%', value: 50 + 40 * Math.sin(s + t / 60) + Math.random(), timestamp: start + t * STEP_MS });
    }
  }
  return samples;
}

async function emptyTables(store: Store): Promise<void> {
  await store.sql.query('TRUNCATE series, samples_raw, samples_1m, samples_1h RESTART IDENTITY');
  // Each run starts without the previous run's dirty pages to write.
  await store.sql.query('CHECKPOINT');
}

async function timedRun(path: string, batchSize: number, samples: StoredSample[], timed: TimedSql, write: (batch: StoredSample[]) => Promise<void>): Promise<PathFigures> {
  timed.reset();
  const started = performance.now();
  for (let i = 0; i < samples.length; i += batchSize) await write(samples.slice(i, i + batchSize));
  const seconds = (performance.now() - started) / 1000;
  const databaseSeconds = timed.waitedMs / 1000;
  return {
    path,
    batchSize,
    samples: samples.length,
    seconds: round(seconds, 3),
    samplesPerSecond: Math.round(samples.length / seconds),
    databaseSeconds: round(databaseSeconds, 3),
    clientSeconds: round(seconds - databaseSeconds, 3),
    statements: timed.statements,
  };
}

async function tableCounts(store: Store): Promise<Record<string, number>> {
  const { rows } = await store.sql.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM samples_raw)::int AS raw, (SELECT count(*) FROM samples_1m)::int AS "1m", (SELECT count(*) FROM samples_1h)::int AS "1h"`,
  );
  return rows[0]!;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** History ingest through HistoryStore.insert, next to a plain COPY of the same rows. */
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
        log(`${samples.length.toLocaleString('en-US')} samples (${SERIES} series × ${TIMESTAMPS} timestamps, 1 s apart)`);
        const timed = new TimedSql(store.sql);
        const runs: PathFigures[] = [];
        let counts: Record<string, number> = {};

        for (const batchSize of BATCH_SIZES) {
          await emptyTables(store);
          const history = new HistoryStore(timed);
          const run = await timedRun('HistoryStore.insert (raw + 1m + 1h)', batchSize, samples, timed, (b) => history.insert(b));
          counts = await tableCounts(store);
          if (counts.raw !== samples.length) throw new Error(`samples_raw holds ${counts.raw} rows after inserting ${samples.length}`);
          runs.push(run);
          log(`insert, batches of ${batchSize.toLocaleString('en-US')}: ${formatRate(run.samplesPerSecond)} (${run.seconds.toFixed(2)} s; waiting on PostgreSQL ${run.databaseSeconds.toFixed(2)} s)`);
        }

        await emptyTables(store);
        const rawOnlyStore = new HistoryStore(timed);
        const rawOnly = await timedRun('raw only (same unnest insert, no rollups)', HEADLINE_BATCH, samples, timed, async (batch) => {
          const ids = await rawOnlyStore.seriesIds(batch);
          await timed.query(RAW_ONLY, [batch.map((s) => ids.get(seriesKey(s.name, s.labels))!), batch.map((s) => s.timestamp), batch.map((s) => s.value)]);
        });
        log(`raw only, batches of ${HEADLINE_BATCH.toLocaleString('en-US')}: ${formatRate(rawOnly.samplesPerSecond)} (${rawOnly.seconds.toFixed(2)} s)`);
        const transportOnly = await timedRun('transport only (unnest the arrays, insert nothing)', HEADLINE_BATCH, samples, timed, async (batch) => {
          const ids = await rawOnlyStore.seriesIds(batch);
          await timed.query(TRANSPORT_ONLY, [batch.map((s) => ids.get(seriesKey(s.name, s.labels))!), batch.map((s) => s.timestamp), batch.map((s) => s.value)]);
        });

        const ids = await rawOnlyStore.seriesIds(samples.slice(0, SERIES));
        const renderStarted = performance.now();
        const chunks = copyText(samples.map((s) => ({ seriesId: ids.get(seriesKey(s.name, s.labels))!, ts: s.timestamp, value: s.value })));
        const renderSeconds = (performance.now() - renderStarted) / 1000;
        await store.sql.query('CREATE TABLE copy_target (series_id int, ts timestamptz, value float8)');
        await store.sql.query('CREATE TABLE copy_target_pk (series_id int, ts timestamptz, value float8, PRIMARY KEY (series_id, ts))');
        await store.sql.query('CHECKPOINT');
        const copy = await copyInto(databaseUrl, 'copy_target', chunks);
        await store.sql.query('CHECKPOINT');
        const copyPk = await copyInto(databaseUrl, 'copy_target_pk', chunks);
        for (const c of [copy, copyPk]) if (c.rows !== samples.length) throw new Error(`COPY reported ${c.rows} rows for ${samples.length}`);
        log(`COPY, no index: ${copy.seconds.toFixed(2)} s; with (series_id, ts) primary key: ${copyPk.seconds.toFixed(2)} s`);

        const headline = runs.find((r) => r.batchSize === HEADLINE_BATCH)!;
        const pass = headline.samplesPerSecond >= TARGET_SAMPLES_PER_SECOND;
        const copyRate = Math.round(samples.length / copy.seconds);
        const shortBy = TARGET_SAMPLES_PER_SECOND - headline.samplesPerSecond;
        return {
          target: `history ingest into PostgreSQL ≥ ${TARGET_SAMPLES_PER_SECOND.toLocaleString('en-US')} samples/s sustained on the batch path (indexes on)`,
          pass,
          headline: `${formatRate(headline.samplesPerSecond)} in batches of ${HEADLINE_BATCH.toLocaleString('en-US')} (target ≥ ${formatRate(TARGET_SAMPLES_PER_SECOND)}); raw COPY of the same rows ${formatRate(copyRate)} (${copy.seconds.toFixed(2)} s)`,
          details: [
            ...runs.map((r) => `insert (raw + 1m + 1h), batch ${String(r.batchSize).padStart(6)}: ${formatRate(r.samplesPerSecond).padStart(10)}  ${r.seconds.toFixed(2)} s = PostgreSQL ${r.databaseSeconds.toFixed(2)} s + client ${r.clientSeconds.toFixed(2)} s`),
            `raw only (no rollups), batch ${HEADLINE_BATCH}: ${formatRate(rawOnly.samplesPerSecond)}  ${rawOnly.seconds.toFixed(2)} s; series lookup + shipping and unnesting the arrays, inserting nothing: ${transportOnly.seconds.toFixed(2)} s`,
            `COPY text into copy_target (no index): ${formatRate(copyRate)}  ${copy.seconds.toFixed(2)} s; into copy_target_pk (primary key): ${formatRate(samples.length / copyPk.seconds)}  ${copyPk.seconds.toFixed(2)} s; rendering the text ${renderSeconds.toFixed(2)} s (not counted)`,
            `rows after the insert path: raw ${counts.raw}, 1m ${counts['1m']}, 1h ${counts['1h']}`,
            ...(pass ? [] : [`MISSED: ${formatRate(shortBy)} short of the target (${((shortBy / TARGET_SAMPLES_PER_SECOND) * 100).toFixed(0)} % below); the insert path takes ${(headline.seconds / copy.seconds).toFixed(1)}× the raw COPY's time`]),
          ],
          figures: {
            samples: samples.length,
            series: SERIES,
            timestamps: TIMESTAMPS,
            order: 'time-major (every series at one instant, then the next), as the persister receives them',
            insertPath: runs,
            rawOnlyPath: rawOnly,
            transportOnlyPath: transportOnly,
            copy: {
              format: 'text, COPY ... FROM STDIN via pg-copy-streams, text rendered beforehand',
              noIndex: { table: 'copy_target', rows: copy.rows, seconds: round(copy.seconds, 3), rowsPerSecond: copyRate },
              primaryKey: { table: 'copy_target_pk', rows: copyPk.rows, seconds: round(copyPk.seconds, 3), rowsPerSecond: Math.round(samples.length / copyPk.seconds) },
              renderSeconds: round(renderSeconds, 3),
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
