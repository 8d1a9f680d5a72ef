import type { Labels } from '@vigia/core';
import type { SqlClient } from './client.ts';

/** One series' per-minute means, oldest first (t = the minute's start, ms). */
export interface MinuteSeries {
  key: string;
  labels: Labels;
  points: { t: number; v: number }[];
}

/**
 * Per-minute means of every series of a metric (with these labels) in the given ranges, from the
 * 1-minute rollups: what forecast and baseline rules read. All ranges in one statement, so a
 * baseline's past weeks cost one round trip.
 */
export async function minuteMeans(sql: SqlClient, metric: string, labels: Labels | undefined, ranges: { from: number; to: number }[]): Promise<MinuteSeries[]> {
  if (!ranges.length) return [];
  const { rows } = await sql.query<{ key: string; labels: Labels; t: number; v: number }>(
    `SELECT x.key, x.labels, (extract(epoch FROM r.bucket) * 1000)::float8 AS t, (r.sum / r.count)::float8 AS v
     FROM series x
     JOIN samples_1m r ON r.series_id = x.id
     JOIN unnest($3::timestamptz[], $4::timestamptz[]) AS w(f, u) ON r.bucket >= w.f AND r.bucket < w.u
     WHERE x.name = $1 AND x.labels @> $2::jsonb AND r.count > 0
     ORDER BY x.key, r.bucket`,
    [metric, JSON.stringify(labels ?? {}), ranges.map((r) => new Date(r.from).toISOString()), ranges.map((r) => new Date(r.to).toISOString())],
  );
  const out: MinuteSeries[] = [];
  let current: MinuteSeries | undefined;
  for (const row of rows) {
    if (current?.key !== row.key) out.push((current = { key: row.key, labels: row.labels, points: [] }));
    const t = Number(row.t);
    // Overlapping ranges would return a minute twice.
    if (current.points.at(-1)?.t !== t) current.points.push({ t, v: Number(row.v) });
  }
  return out;
}
