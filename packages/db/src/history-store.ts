import { seriesKey, type Labels, type RangePlan, type Resolution } from '@vigia/core';
import type { SqlClient } from './client.ts';

export interface StoredSample {
  name: string;
  labels: Labels;
  unit?: string;
  value: number;
  /** ms since the epoch */
  timestamp: number;
}

export interface HistoryPoint {
  t: number;
  v: number;
  min?: number;
  max?: number;
}

export interface HistorySeries {
  name: string;
  labels: Labels;
  unit: string | null;
  points: HistoryPoint[];
}

export interface SeriesRow {
  id: number;
  key: string;
  name: string;
  labels: Labels;
  unit: string | null;
}

const ROLLUP_TABLE: Record<Exclude<Resolution, 'raw'>, string> = { '1m': 'samples_1m', '1h': 'samples_1h' };

function rollupUpsert(table: string, unit: 'minute' | 'hour'): string {
  return `INSERT INTO ${table} (series_id, bucket, min, max, sum, count)
    SELECT series_id, date_trunc('${unit}', ts), min(value), max(value), sum(value), count(*) FROM ins GROUP BY 1, 2
    ON CONFLICT (series_id, bucket) DO UPDATE SET
      min = least(${table}.min, excluded.min), max = greatest(${table}.max, excluded.max),
      sum = ${table}.sum + excluded.sum, count = ${table}.count + excluded.count`;
}

// One statement writes raw samples and both rollups. Rollups are fed only by rows the raw insert
// really added, so a batch written twice (a retry after a crash) changes nothing the second time.
const INSERT_SAMPLES = `WITH input AS (
    SELECT * FROM unnest($1::int[], $2::float8[], $3::float8[]) AS t(series_id, ts_ms, value)
  ), ins AS (
    INSERT INTO samples_raw (series_id, ts, value)
    SELECT series_id, to_timestamp(ts_ms / 1000.0), value FROM input
    ON CONFLICT DO NOTHING
    RETURNING series_id, ts, value
  ), m AS (${rollupUpsert('samples_1m', 'minute')})
  ${rollupUpsert('samples_1h', 'hour')}`;

/** Raw samples plus 1-minute and 1-hour rollups in PostgreSQL (or PGlite). */
export class HistoryStore {
  private readonly ids = new Map<string, number>();

  constructor(private readonly sql: SqlClient) {}

  /** Ids for these series, creating the ones not seen before. */
  async seriesIds(samples: Iterable<{ name: string; labels: Labels; unit?: string }>): Promise<Map<string, number>> {
    const missing = new Map<string, { name: string; labels: Labels; unit?: string }>();
    const out = new Map<string, number>();
    for (const s of samples) {
      const key = seriesKey(s.name, s.labels);
      const id = this.ids.get(key);
      if (id !== undefined) out.set(key, id);
      else if (!missing.has(key)) missing.set(key, s);
    }
    if (missing.size > 0) {
      const entries = [...missing.entries()];
      const { rows } = await this.sql.query<{ id: number; key: string }>(
        `INSERT INTO series (key, name, labels, unit)
         SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])
         ON CONFLICT (key) DO UPDATE SET unit = coalesce(excluded.unit, series.unit)
         RETURNING id, key`,
        [entries.map(([k]) => k), entries.map(([, s]) => s.name), entries.map(([, s]) => JSON.stringify(s.labels ?? {})), entries.map(([, s]) => s.unit ?? null)],
      );
      for (const row of rows) {
        this.ids.set(row.key, row.id);
        out.set(row.key, row.id);
      }
    }
    return out;
  }

  /** Writes a batch; idempotent for samples already stored (same series and timestamp). */
  async insert(samples: StoredSample[]): Promise<void> {
    if (samples.length === 0) return;
    const ids = await this.seriesIds(samples);
    const seriesCol = new Array<number>(samples.length);
    const tsCol = new Array<number>(samples.length);
    const valueCol = new Array<number>(samples.length);
    samples.forEach((s, i) => {
      seriesCol[i] = ids.get(seriesKey(s.name, s.labels))!;
      tsCol[i] = s.timestamp;
      valueCol[i] = s.value;
    });
    await this.sql.query(INSERT_SAMPLES, [seriesCol, tsCol, valueCol]);
  }

  async findSeries(name: string, labels?: Labels): Promise<SeriesRow[]> {
    const { rows } = await this.sql.query<SeriesRow>(
      `SELECT id, key, name, labels, unit FROM series WHERE name = $1 AND labels @> $2::jsonb ORDER BY key`,
      [name, JSON.stringify(labels ?? {})],
    );
    return rows;
  }

  async listSeries(): Promise<SeriesRow[]> {
    const { rows } = await this.sql.query<SeriesRow>(`SELECT id, key, name, labels, unit FROM series ORDER BY key`);
    return rows;
  }

  /** Points of every series of `name` matching `labels`, between from and to, at the planned resolution. */
  async range(name: string, labels: Labels | undefined, from: number, to: number, plan: RangePlan): Promise<HistorySeries[]> {
    const series = await this.findSeries(name, labels);
    if (series.length === 0) return [];
    const ids = series.map((s) => s.id);
    const params: unknown[] = [ids, new Date(from), new Date(to)];
    let text: string;
    if (plan.resolution === 'raw' && plan.bucketMs === 0) {
      text = `SELECT series_id AS id, (extract(epoch FROM ts) * 1000)::float8 AS t, value AS v, NULL::float8 AS min, NULL::float8 AS max
        FROM samples_raw WHERE series_id = ANY($1::int[]) AND ts >= $2 AND ts <= $3 ORDER BY series_id, ts`;
    } else if (plan.resolution === 'raw') {
      params.push(`${plan.bucketMs} milliseconds`);
      text = `SELECT series_id AS id, (extract(epoch FROM date_bin($4::interval, ts, 'epoch')) * 1000)::float8 AS t,
          avg(value) AS v, min(value) AS min, max(value) AS max
        FROM samples_raw WHERE series_id = ANY($1::int[]) AND ts >= $2 AND ts <= $3 GROUP BY 1, 2 ORDER BY 1, 2`;
    } else {
      params.push(`${plan.bucketMs} milliseconds`);
      const table = ROLLUP_TABLE[plan.resolution];
      text = `SELECT series_id AS id, (extract(epoch FROM date_bin($4::interval, bucket, 'epoch')) * 1000)::float8 AS t,
          sum(sum) / sum(count) AS v, min(min) AS min, max(max) AS max
        FROM ${table} WHERE series_id = ANY($1::int[]) AND bucket >= date_bin($4::interval, $2::timestamptz, 'epoch') AND bucket <= $3
        GROUP BY 1, 2 ORDER BY 1, 2`;
    }
    const { rows } = await this.sql.query<{ id: number; t: number; v: number; min: number | null; max: number | null }>(text, params);
    const byId = new Map(series.map((s) => [s.id, { name: s.name, labels: s.labels, unit: s.unit, points: [] as HistoryPoint[] }]));
    for (const row of rows) {
      const point: HistoryPoint = { t: row.t, v: row.v };
      if (row.min !== null) {
        point.min = row.min;
        point.max = row.max!;
      }
      byId.get(row.id)!.points.push(point);
    }
    return [...byId.values()];
  }

  /** The newest `limit` raw samples of a metric (all its series), returned oldest first. */
  async latest(name: string, limit: number, from?: number, to?: number): Promise<{ timestamp: number; value: number; labels: Labels }[]> {
    const params: unknown[] = [name, limit];
    let where = 's.name = $1';
    if (from !== undefined) where += ` AND r.ts >= $${params.push(new Date(from))}`;
    if (to !== undefined) where += ` AND r.ts <= $${params.push(new Date(to))}`;
    const { rows } = await this.sql.query<{ t: number; v: number; labels: Labels }>(
      `SELECT (extract(epoch FROM r.ts) * 1000)::float8 AS t, r.value AS v, s.labels
       FROM samples_raw r JOIN series s ON s.id = r.series_id
       WHERE ${where} ORDER BY r.ts DESC, s.key LIMIT $2`,
      params,
    );
    return rows.reverse().map((r) => ({ timestamp: r.t, value: r.v, labels: r.labels }));
  }

  /** Deletes what is older than each resolution's retention. Returns rows removed per table. */
  async enforceRetention(now: number, retention: { raw: number; '1m': number; '1h': number }): Promise<Record<string, number>> {
    const removed: Record<string, number> = {};
    for (const [table, column, keep] of [
      ['samples_raw', 'ts', retention.raw],
      ['samples_1m', 'bucket', retention['1m']],
      ['samples_1h', 'bucket', retention['1h']],
    ] as const) {
      const { rows } = await this.sql.query<{ n: number }>(
        `WITH d AS (DELETE FROM ${table} WHERE ${column} < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
        [new Date(now - keep)],
      );
      removed[table] = rows[0]?.n ?? 0;
    }
    return removed;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }
}
