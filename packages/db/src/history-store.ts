import { seriesKey, type Labels, type RangePlan } from '@vigia/core';
import type { SqlClient } from './client.ts';
import { sqlArrays, toColumns } from './history-columns.ts';
import { rollUp, rollupParams } from './history-rollup.ts';
import { INSERT_RAW, INSERT_SKIPPING_STORED, RECORD_BATCHES, ROLLUP_TABLE, UPSERT_ROLLUPS } from './history-sql.ts';
import { isUniqueViolation, transactionsOf, type Transact, type WriteTx } from './history-transaction.ts';
import type { HistoryBatch, HistoryPoint, HistorySeries, InsertResult, SeriesRow, StoredSample } from './history-types.ts';

// The encoding is public so a benchmark can COPY the very bytes the insert path sends.
export { encodeRawRows, pgMicros, type RawColumns } from './sample-copy.ts';
export * from './history-types.ts';

/** How long the batch ledger remembers a written batch: far longer than a commit-to-ack gap. */
export const BATCH_LEDGER_KEEP_MS = 24 * 3600e3;

export class HistoryStore {
  private readonly ids = new Map<string, number>();
  private readonly transact: Transact | undefined;

  /**
   * `smallWrite`: below this many samples a write is one idempotent statement (ON CONFLICT),
   * cheaper than a transaction with a ledger row and a COPY for a collection tick's handful of
   * rows; from it on, the ledger and COPY path. 0 sends everything down the ledger path.
   */
  constructor(
    private readonly sql: SqlClient,
    private readonly options: { smallWrite?: number } = {},
  ) {
    this.transact = transactionsOf(sql);
  }

  /** Ids for these series, creating the ones not seen before. */
  async seriesIds(samples: Iterable<{ name: string; labels: Labels; unit?: string; key?: string }>): Promise<Map<string, number>> {
    const missing = new Map<string, { name: string; labels: Labels; unit?: string }>();
    const out = new Map<string, number>();
    for (const s of samples) {
      const key = s.key ?? seriesKey(s.name, s.labels);
      const id = this.ids.get(key);
      if (id !== undefined) out.set(key, id);
      else if (!missing.has(key)) missing.set(key, s);
    }
    if (missing.size > 0) for (const [key, id] of await this.createSeries(missing)) out.set(key, id);
    return out;
  }

  private async createSeries(missing: Map<string, { name: string; labels: Labels; unit?: string }>): Promise<[string, number][]> {
    const entries = [...missing.entries()];
    const { rows } = await this.sql.query<{ id: number; key: string }>(
      `INSERT INTO series (key, name, labels, unit)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])
       ON CONFLICT (key) DO UPDATE SET unit = coalesce(excluded.unit, series.unit)
       RETURNING id, key`,
      [entries.map(([k]) => k), entries.map(([, s]) => s.name), entries.map(([, s]) => JSON.stringify(s.labels ?? {})), entries.map(([, s]) => s.unit ?? null)],
    );
    for (const row of rows) this.ids.set(row.key, row.id);
    return rows.map((row) => [row.key, row.id]);
  }

  /** The series id of every sample, each key built once. */
  private async resolveIds(samples: StoredSample[]): Promise<Int32Array> {
    const out = new Int32Array(samples.length);
    let missing: Map<string, StoredSample> | undefined;
    const unresolved: [index: number, key: string][] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      const key = s.key ?? seriesKey(s.name, s.labels);
      const id = this.ids.get(key);
      if (id !== undefined) out[i] = id;
      else {
        missing ??= new Map();
        if (!missing.has(key)) missing.set(key, s);
        unresolved.push([i, key]);
      }
    }
    if (missing) {
      await this.createSeries(missing);
      for (const [i, key] of unresolved) out[i] = this.ids.get(key)!;
    }
    return out;
  }

  /**
   * Writes samples, raw and into both rollups. Idempotent for samples stored already (same series
   * and timestamp): they are neither stored again nor counted again in the rollups.
   */
  async insert(samples: StoredSample[]): Promise<InsertResult> {
    return this.write([{ samples }]);
  }

  /**
   * Writes batches that may have been written before (the persister's stream entries after a
   * crash): a batch whose id the ledger holds is skipped; the others are written, and their ids
   * recorded, in one transaction. Otherwise the same guarantees as `insert`.
   */
  async insertBatches(batches: HistoryBatch[]): Promise<InsertResult> {
    return this.write(batches);
  }

  private async write(batches: { id?: string; samples: StoredSample[] }[]): Promise<InsertResult> {
    const samples = batches.length === 1 ? batches[0]!.samples : batches.flatMap((b) => b.samples);
    const ledgerIds = [...new Set(batches.flatMap((b) => (b.id === undefined ? [] : [b.id])))].sort();
    if (samples.length === 0 && ledgerIds.length === 0) return { written: 0, duplicates: 0, skippedBatches: 0, path: 'none' };
    const ids = await this.resolveIds(samples);
    const batchOf = new Int32Array(samples.length);
    let start = 0;
    for (let b = 0; b < batches.length; b++) {
      const end = start + batches[b]!.samples.length;
      batchOf.fill(b, start, end);
      start = end;
    }

    const attempt = async (tx: WriteTx, fast: boolean): Promise<InsertResult> => {
      // Which batches this transaction writes: those without an id, and those whose id it just
      // recorded. A batch whose id another (maybe still open) transaction recorded waits for it
      // here, then counts as written.
      let keepBatch = (_b: number) => true;
      let skippedBatches = 0;
      if (ledgerIds.length > 0) {
        const { rows } = await tx.query<{ id: string }>(RECORD_BATCHES, [ledgerIds]);
        const fresh = new Set(rows.map((r) => r.id));
        skippedBatches = ledgerIds.length - fresh.size;
        // An id given twice in one call is written once, by its first batch.
        const claimed = new Set<string>();
        const keep = batches.map((batch) => {
          if (batch.id === undefined) return true;
          if (!fresh.has(batch.id) || claimed.has(batch.id)) return false;
          claimed.add(batch.id);
          return true;
        });
        keepBatch = (b) => keep[b]!;
      }
      const rows = toColumns(samples, ids, (i) => keepBatch(batchOf[i]!));
      const result = { written: 0, duplicates: rows.duplicates, skippedBatches, path: fast ? 'fast' : 'conflict' } as InsertResult;
      if (rows.length === 0) return { ...result, path: 'none' };
      if (!fast) {
        const { rows: inserted } = await tx.query<{ n: number }>(INSERT_SKIPPING_STORED, sqlArrays(rows));
        return { ...result, written: inserted[0]!.n };
      }
      if (tx.copy) await tx.copy(rows);
      else await tx.query(INSERT_RAW, sqlArrays(rows));
      const { minutes, hours } = rollUp(rows);
      await tx.query(UPSERT_ROLLUPS, [...rollupParams(minutes), ...rollupParams(hours)]);
      return { ...result, written: rows.length };
    };

    const transact = this.transact;
    if (!transact || samples.length < (this.options.smallWrite ?? 500)) return this.writeWithoutTransaction(samples, ids);
    try {
      return await transact((tx) => attempt(tx, true));
    } catch (error) {
      // A row stored already that no ledger explains: a retry whose ledger entry has expired, or
      // a source sending the same series and timestamp again. The slower statement skips those
      // rows; failing instead would leave the batch in the stream for ever.
      if (!isUniqueViolation(error)) throw error;
      return transact((tx) => attempt(tx, false));
    }
  }

  /** One statement, so it is atomic without a transaction; no ledger, ON CONFLICT does the work. */
  private async writeWithoutTransaction(samples: StoredSample[], ids: Int32Array): Promise<InsertResult> {
    const rows = toColumns(samples, ids, () => true);
    if (rows.length === 0) return { written: 0, duplicates: rows.duplicates, skippedBatches: 0, path: 'none' };
    const { rows: inserted } = await this.sql.query<{ n: number }>(INSERT_SKIPPING_STORED, sqlArrays(rows));
    return { written: inserted[0]!.n, duplicates: rows.duplicates, skippedBatches: 0, path: 'conflict' };
  }

  async findSeries(name: string, labels?: Labels): Promise<SeriesRow[]> {
    const { rows } = await this.sql.query<SeriesRow>(`SELECT id, key, name, labels, unit FROM series WHERE name = $1 AND labels @> $2::jsonb ORDER BY key`, [name, JSON.stringify(labels ?? {})]);
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

  /** Deletes what is older than each resolution's retention, and old batch ledger rows. Returns rows removed per table. */
  async enforceRetention(now: number, retention: { raw: number; '1m': number; '1h': number }): Promise<Record<string, number>> {
    const removed: Record<string, number> = {};
    for (const [table, column, keep] of [
      ['samples_raw', 'ts', retention.raw],
      ['samples_1m', 'bucket', retention['1m']],
      ['samples_1h', 'bucket', retention['1h']],
    ] as const) {
      const { rows } = await this.sql.query<{ n: number }>(`WITH d AS (DELETE FROM ${table} WHERE ${column} < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [new Date(now - keep)]);
      removed[table] = rows[0]?.n ?? 0;
    }
    const { rows } = await this.sql.query<{ n: number }>(`WITH d AS (DELETE FROM history_batches WHERE written_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [
      new Date(now - BATCH_LEDGER_KEEP_MS),
    ]);
    removed.history_batches = rows[0]?.n ?? 0;
    return removed;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }
}
