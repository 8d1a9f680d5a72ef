import type { Labels } from '@vigia/core';
import type { SqlClient } from './client.ts';

/**
 * Sums over trailing windows of stored history, read from the 1-minute rollups (kept 30 days by
 * default, unlike raw samples), for SLOs: a counter's increase, or a gauge's mean. Only whole
 * minutes before `end` count, so a minute still filling never moves a result.
 */

const MINUTE = 60_000;

export type SeriesKind = 'counter' | 'gauge';

export interface WindowSum {
  /** A counter's increase over the window, or a gauge's mean in it; null without samples. */
  value: number | null;
  /** Minute buckets seen in the window (over all series). */
  buckets: number;
}

// Per series, a minute's increase is its highest value less the previous minute's highest. A
// counter reset shows as a minute whose lowest value is below the last minute's highest: the
// counter started again from zero, so that minute adds its highest value. A series' first minute
// adds what it rose within that minute.
const INCREASES = `WITH s AS (
    SELECT r.bucket, r.min, r.max, lag(r.max) OVER (PARTITION BY r.series_id ORDER BY r.bucket) AS prev
    FROM samples_1m r JOIN series x ON x.id = r.series_id
    WHERE x.name = $1 AND x.labels @> $2::jsonb AND r.bucket >= $3 AND r.bucket < $4
  ), d AS (
    SELECT bucket, CASE WHEN prev IS NULL THEN max - min WHEN min >= prev THEN max - prev ELSE max END AS v, 1 AS n FROM s
  )`;
const MEANS = `WITH d AS (
    SELECT r.bucket, r.sum AS v, r.count AS n
    FROM samples_1m r JOIN series x ON x.id = r.series_id
    WHERE x.name = $1 AND x.labels @> $2::jsonb AND r.bucket >= $3 AND r.bucket < $4
  )`;

const endMinute = (end: number) => Math.floor(end / MINUTE) * MINUTE;

/** One pass over the longest window, one result per window (each ends at `end`). */
export async function windowSums(sql: SqlClient, metric: string, labels: Labels | undefined, kind: SeriesKind, end: number, windowsMs: number[]): Promise<WindowSum[]> {
  const to = endMinute(end);
  const longest = Math.max(...windowsMs);
  // One minute more than the longest window: its first minute's increase needs the one before.
  const params: unknown[] = [metric, JSON.stringify(labels ?? {}), new Date(to - longest - MINUTE), new Date(to)];
  const columns = windowsMs.map((ms) => {
    const p = params.push(new Date(to - ms));
    return `sum(v) FILTER (WHERE bucket >= $${p})::float8 AS v${p}, sum(n) FILTER (WHERE bucket >= $${p})::float8 AS n${p}, count(*) FILTER (WHERE bucket >= $${p})::int AS b${p}`;
  });
  const { rows } = await sql.query<Record<string, number | null>>(`${kind === 'counter' ? INCREASES : MEANS} SELECT ${columns.join(', ')} FROM d`, params);
  const row = rows[0] ?? {};
  return windowsMs.map((_, i) => {
    const p = i + 5;
    const buckets = Number(row[`b${p}`] ?? 0);
    const sum = row[`v${p}`] ?? null;
    const n = row[`n${p}`] ?? 0;
    if (!buckets || sum === null) return { value: null, buckets };
    return { value: kind === 'counter' ? sum : n ? sum / n : null, buckets };
  });
}

/** The same sums per step from `from` to `end`, for a chart: [step start, sum (increase or Σvalues), n]. */
export async function stepSums(
  sql: SqlClient,
  metric: string,
  labels: Labels | undefined,
  kind: SeriesKind,
  from: number,
  end: number,
  stepMs: number,
): Promise<{ t: number; v: number; n: number }[]> {
  const to = endMinute(end);
  const params: unknown[] = [metric, JSON.stringify(labels ?? {}), new Date(from - MINUTE), new Date(to), `${stepMs} milliseconds`, new Date(from)];
  const { rows } = await sql.query<{ t: number; v: number; n: number }>(
    `${kind === 'counter' ? INCREASES : MEANS}
     SELECT (extract(epoch FROM date_bin($5::interval, bucket, $6::timestamptz)) * 1000)::float8 AS t, sum(v)::float8 AS v, sum(n)::float8 AS n
     FROM d WHERE bucket >= $6 GROUP BY 1 ORDER BY 1`,
    params,
  );
  return rows.map((r) => ({ t: Number(r.t), v: Number(r.v), n: Number(r.n) }));
}

/** Whether any series of this metric (with these labels) was ever stored. */
export async function metricExists(sql: SqlClient, metric: string, labels: Labels | undefined): Promise<boolean> {
  const { rows } = await sql.query(`SELECT 1 FROM series WHERE name = $1 AND labels @> $2::jsonb LIMIT 1`, [metric, JSON.stringify(labels ?? {})]);
  return rows.length > 0;
}
