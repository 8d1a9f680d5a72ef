import type { Labels } from '@vigia/core';
import type { SqlClient } from './client.ts';

/** One series' per-minute means, oldest first (t = the minute's start, ms). */
export interface MinuteSeries {
  key: string;
  labels: Labels;
  points: { t: number; v: number }[];
}

/** A selector (metric and labels) over one range of minutes, [from, to). */
export interface MinuteRead {
  metric: string;
  labels?: Labels;
  from: number;
  to: number;
}

/**
 * Per-minute means from the 1-minute rollups, for many reads in one statement: what forecast and
 * baseline rules read, all of them in one round trip a minute. Result i answers read i.
 */
export async function minuteMeansMany(sql: SqlClient, reads: MinuteRead[]): Promise<MinuteSeries[][]> {
  const out: MinuteSeries[][] = reads.map(() => []);
  if (!reads.length) return out;
  const { rows } = await sql.query<{ i: number; key: string; labels: Labels; t: number; v: number }>(
    `SELECT q.i, x.key, x.labels, (extract(epoch FROM r.bucket) * 1000)::float8 AS t, (r.sum / r.count)::float8 AS v
     FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS q(name, labels, f, u, i)
     JOIN series x ON x.name = q.name AND x.labels @> q.labels
     JOIN samples_1m r ON r.series_id = x.id AND r.bucket >= q.f AND r.bucket < q.u
     WHERE r.count > 0
     ORDER BY q.i, x.key, r.bucket`,
    [reads.map((r) => r.metric), reads.map((r) => JSON.stringify(r.labels ?? {})), reads.map((r) => new Date(r.from).toISOString()), reads.map((r) => new Date(r.to).toISOString())],
  );
  let current: MinuteSeries | undefined;
  let index = -1;
  for (const row of rows) {
    const i = Number(row.i) - 1;
    if (i !== index || current?.key !== row.key) out[i]!.push((current = { key: row.key, labels: row.labels, points: [] }));
    index = i;
    current!.points.push({ t: Number(row.t), v: Number(row.v) });
  }
  return out;
}

/** Per-minute means of every series of a metric (with these labels) over one range. */
export async function minuteMeans(sql: SqlClient, metric: string, labels: Labels | undefined, from: number, to: number): Promise<MinuteSeries[]> {
  return (await minuteMeansMany(sql, [{ metric, labels, from, to }]))[0]!;
}
