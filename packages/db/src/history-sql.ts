// The statements the history store runs, as text: what PostgreSQL sees, in one place.
import type { Resolution } from '@vigia/core';

export const ROLLUP_TABLE: Record<Exclude<Resolution, 'raw'>, string> = { '1m': 'samples_1m', '1h': 'samples_1h' };

const MERGE_ROLLUP = (table: string) => `ON CONFLICT (series_id, bucket) DO UPDATE SET
      min = least(${table}.min, excluded.min), max = greatest(${table}.max, excluded.max),
      sum = ${table}.sum + excluded.sum, count = ${table}.count + excluded.count`;

// Buckets are UTC minutes and hours whatever the session's TimeZone (a +05:30 server would
// otherwise cut hours at :30), the same as the JavaScript rollups and the readers' date_bin.
// Rows go in key order so concurrent writers lock rollup rows in the same order.
function rollupFromInserted(table: string, unit: 'minute' | 'hour'): string {
  return `INSERT INTO ${table} (series_id, bucket, min, max, sum, count)
    SELECT series_id, date_trunc('${unit}', ts, 'UTC'), min(value), max(value), sum(value), count(*) FROM ins GROUP BY 1, 2 ORDER BY 1, 2
    ${MERGE_ROLLUP(table)}`;
}

// The path for a batch that meets rows stored already: raw rows and both rollups in one
// statement, the rollups fed only by the rows the raw insert really added, so samples stored
// before change nothing.
export const INSERT_SKIPPING_STORED = `WITH input AS (
    SELECT * FROM unnest($1::int[], $2::float8[], $3::float8[]) AS t(series_id, ts_ms, value)
  ), ins AS (
    INSERT INTO samples_raw (series_id, ts, value)
    SELECT series_id, to_timestamp(ts_ms / 1000.0), value FROM input
    ON CONFLICT DO NOTHING
    RETURNING series_id, ts, value
  ), m AS (${rollupFromInserted('samples_1m', 'minute')}
  ), h AS (${rollupFromInserted('samples_1h', 'hour')})
  SELECT count(*)::int AS n FROM ins`;

// Where COPY is not available (PGlite): the same rows as one INSERT, without ON CONFLICT.
export const INSERT_RAW = `INSERT INTO samples_raw (series_id, ts, value)
  SELECT series_id, to_timestamp(ts_ms / 1000.0), value FROM unnest($1::int[], $2::float8[], $3::float8[]) AS t(series_id, ts_ms, value)`;

function rollupFromArrays(table: string, first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO ${table} (series_id, bucket, min, max, sum, count)
    SELECT series_id, to_timestamp(bucket_ms / 1000.0), min, max, sum, count
    FROM unnest(${p(0)}::int[], ${p(1)}::float8[], ${p(2)}::float8[], ${p(3)}::float8[], ${p(4)}::float8[], ${p(5)}::int[]) AS t(series_id, bucket_ms, min, max, sum, count)
    ${MERGE_ROLLUP(table)}`;
}

export const UPSERT_ROLLUPS = `WITH m AS (${rollupFromArrays('samples_1m', 1)})
  ${rollupFromArrays('samples_1h', 7)}`;

export const RECORD_BATCHES = `INSERT INTO history_batches (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id`;
