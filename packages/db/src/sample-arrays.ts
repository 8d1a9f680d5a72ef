import type { Labels } from '@vigia/core';
import type { SqlClient } from './client.ts';

/** One series' samples as parallel arrays: t in ms since the epoch, oldest first. */
export interface SampleArrays {
  t: Float64Array;
  v: Float64Array;
}

export interface CatalogSeries {
  id: number;
  name: string;
  labels: Labels;
}

// Each series comes back as one bytea of (ms, value) float8 pairs: a row per sample costs the
// driver far more (a JavaScript object per row, text numbers parsed one by one) than the query.
const PAIRS = (time: string, value: string) => `string_agg(float8send(${time}) || float8send(${value}), ''::bytea)`;

function decode(bytes: Uint8Array): SampleArrays {
  const n = bytes.byteLength / 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    t[i] = Math.round(view.getFloat64(i * 16));
    v[i] = view.getFloat64(i * 16 + 8);
    if (i > 0 && t[i]! < t[i - 1]!) sorted = false;
  }
  if (sorted) return { t, v };
  // The aggregate keeps the scan's order, which the primary key index gives by time; any other plan is sorted here.
  const order = Array.from(t, (_, i) => i).sort((a, b) => t[a]! - t[b]!);
  return { t: Float64Array.from(order, (i) => t[i]!), v: Float64Array.from(order, (i) => v[i]!) };
}

function collect(rows: { id: number; b: Uint8Array | null }[]): Map<number, SampleArrays> {
  const out = new Map<number, SampleArrays>();
  for (const row of rows) if (row.b) out.set(row.id, decode(row.b));
  return out;
}

/**
 * Raw samples of these series with `after` < ts ≤ `to` (ms), or `after` ≤ ts when `inclusive`.
 * Series without samples there are absent from the map.
 */
export async function readRawArrays(sql: SqlClient, ids: number[], after: number, to: number, inclusive = false): Promise<Map<number, SampleArrays>> {
  if (ids.length === 0 || to < after) return new Map();
  const { rows } = await sql.query<{ id: number; b: Uint8Array | null }>(
    `SELECT series_id AS id, ${PAIRS(`date_part('epoch', ts) * 1000`, 'value')} AS b
     FROM samples_raw WHERE series_id = ANY($1::int[]) AND ts ${inclusive ? '>=' : '>'} $2 AND ts <= $3 GROUP BY series_id`,
    [ids, new Date(after), new Date(to)],
  );
  return collect(rows);
}

/**
 * Rollup buckets of these series starting in [from, to) as one sample each: a counter's bucket
 * reads as its maximum at the bucket's end (its last value, unless it restarted within), anything
 * else as its average at the bucket's middle.
 */
export async function readRollupArrays(sql: SqlClient, resolution: '1m' | '1h', ids: number[], from: number, to: number, counter: boolean): Promise<Map<number, SampleArrays>> {
  if (ids.length === 0 || to <= from) return new Map();
  const width = resolution === '1m' ? 60_000 : 3_600_000;
  const table = resolution === '1m' ? 'samples_1m' : 'samples_1h';
  const time = `date_part('epoch', bucket) * 1000 + ${counter ? width : width / 2}`;
  const { rows } = await sql.query<{ id: number; b: Uint8Array | null }>(
    `SELECT series_id AS id, ${PAIRS(time, counter ? 'max' : 'sum / count')} AS b
     FROM ${table} WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3 GROUP BY series_id`,
    [ids, new Date(from - width), new Date(to)],
  );
  return collect(rows);
}

/** Series created after `afterId` (all when 0), in id order. */
export async function seriesAfter(sql: SqlClient, afterId: number): Promise<CatalogSeries[]> {
  const { rows } = await sql.query<CatalogSeries>(`SELECT id, name, labels FROM series WHERE id > $1 ORDER BY id`, [afterId]);
  return rows;
}

/** Which of these series have samples in the hours overlapping [from, to] (the hourly rollup answers). */
export async function seriesWithSamples(sql: SqlClient, ids: number[], from: number, to: number): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql.query<{ id: number }>(
    `SELECT DISTINCT series_id AS id FROM samples_1h WHERE series_id = ANY($1::int[]) AND bucket >= date_trunc('hour', $2::timestamptz, 'UTC') AND bucket <= $3`,
    [ids, new Date(from), new Date(to)],
  );
  return new Set(rows.map((r) => r.id));
}
