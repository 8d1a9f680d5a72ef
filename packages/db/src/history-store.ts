import { seriesKey, type Labels, type RangePlan, type Resolution } from '@vigia/core';
import type { Writable } from 'node:stream';
import type { SqlClient } from './client.ts';
import { copyRawRows, microsToMs, pgMicros, type CopyCapableClient, type RawColumns } from './sample-copy.ts';

// The encoding is public so a benchmark can COPY the very bytes the insert path sends.
export { encodeRawRows, pgMicros, type RawColumns } from './sample-copy.ts';

export interface StoredSample {
  name: string;
  labels: Labels;
  unit?: string;
  value: number;
  /** ms since the epoch */
  timestamp: number;
  /** seriesKey(name, labels), when the caller has it already (stream batches carry it) */
  key?: string;
}

/**
 * Samples written and retried as one, under an id that stays the same across retries (the
 * ingest stream entry id). The transaction that writes them records the id; a batch whose id is
 * recorded already was written before and is skipped.
 */
export interface HistoryBatch {
  id: string;
  samples: StoredSample[];
}

export interface InsertResult {
  /** Rows added to samples_raw. */
  written: number;
  /** Samples left out for having the series and timestamp of an earlier sample in the same call. */
  duplicates: number;
  /** Batches whose id was recorded already: written before, not again. */
  skippedBatches: number;
  /**
   * `fast`: raw rows without ON CONFLICT (COPY on PostgreSQL), rollups summed in JavaScript;
   * `conflict`: the ON CONFLICT statement, after the fast path met a row stored already.
   */
  path: 'fast' | 'conflict' | 'none';
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

/** How long the batch ledger remembers a written batch: far longer than a commit-to-ack gap. */
export const BATCH_LEDGER_KEEP_MS = 24 * 3600e3;

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
const INSERT_SKIPPING_STORED = `WITH input AS (
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
const INSERT_RAW = `INSERT INTO samples_raw (series_id, ts, value)
  SELECT series_id, to_timestamp(ts_ms / 1000.0), value FROM unnest($1::int[], $2::float8[], $3::float8[]) AS t(series_id, ts_ms, value)`;

function rollupFromArrays(table: string, first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO ${table} (series_id, bucket, min, max, sum, count)
    SELECT series_id, to_timestamp(bucket_ms / 1000.0), min, max, sum, count
    FROM unnest(${p(0)}::int[], ${p(1)}::float8[], ${p(2)}::float8[], ${p(3)}::float8[], ${p(4)}::float8[], ${p(5)}::int[]) AS t(series_id, bucket_ms, min, max, sum, count)
    ${MERGE_ROLLUP(table)}`;
}

const UPSERT_ROLLUPS = `WITH m AS (${rollupFromArrays('samples_1m', 1)})
  ${rollupFromArrays('samples_1h', 7)}`;

const RECORD_BATCHES = `INSERT INTO history_batches (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id`;

/** A transaction's connection: SQL, and COPY where the driver has it. */
interface WriteTx {
  query: SqlClient['query'];
  copy?: (rows: RawColumns) => Promise<number>;
}
type Transact = <T>(work: (tx: WriteTx) => Promise<T>) => Promise<T>;

interface PooledClient extends CopyCapableClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  query(submittable: Writable): Writable;
  release(destroy?: Error | boolean): void;
}

/**
 * How to run a transaction on this client: PGlite has `transaction` (which also keeps other
 * callers' queries out of it), a pg Pool lends a connection of its own. Anything else (a plain
 * SqlClient wrapper) gets none, and inserts use the single ON CONFLICT statement.
 */
function transactionsOf(sql: SqlClient): Transact | undefined {
  const client = sql as unknown as { transaction?: unknown; connect?: unknown };
  if (typeof client.transaction === 'function') {
    const lite = sql as unknown as { transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> };
    return (work) => lite.transaction((tx) => work({ query: (text, params) => tx.query(text, params) }));
  }
  if (typeof client.connect === 'function') {
    const pool = sql as unknown as { connect(): Promise<PooledClient> };
    return async (work) => {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work({ query: (text, params) => connection.query(text, params), copy: (rows) => copyRawRows(connection, rows) });
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back goes back to the pool destroyed.
        await connection.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        connection.release(broken);
      }
    };
  }
  return undefined;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';

interface Rollup {
  seriesId: number;
  /** pgMicros of the bucket's start */
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

const MINUTE_US = 60e6;
const HOUR_US = 3600e6;

function addTo(buckets: Rollup[], seriesId: number, bucket: number, value: number): void {
  let b = buckets[buckets.length - 1];
  if (b === undefined || b.bucket !== bucket) {
    b = buckets.find((x) => x.bucket === bucket);
    if (b === undefined) {
      buckets.push({ seriesId, bucket, min: value, max: value, sum: value, count: 1 });
      return;
    }
  }
  // NaN orders above every number in PostgreSQL; min and max follow it, as the SQL path would.
  if (value < b.min || b.min !== b.min) b.min = value;
  if (value > b.max || value !== value) b.max = value;
  b.sum += value;
  b.count++;
}

/**
 * 1-minute and 1-hour rollups of exactly these rows, in (series, bucket) order. The rows come
 * grouped by series (toColumns orders them so), so each series is one run.
 */
function rollUp(rows: RawColumns): { minutes: Rollup[]; hours: Rollup[] } {
  const minutes: Rollup[] = [];
  const hours: Rollup[] = [];
  const byBucket = (a: Rollup, b: Rollup) => a.bucket - b.bucket;
  let seriesMinutes: Rollup[] = [];
  let seriesHours: Rollup[] = [];
  const endSeries = () => {
    minutes.push(...(seriesMinutes.length > 1 ? seriesMinutes.sort(byBucket) : seriesMinutes));
    hours.push(...(seriesHours.length > 1 ? seriesHours.sort(byBucket) : seriesHours));
    seriesMinutes = [];
    seriesHours = [];
  };
  let current = -1;
  for (let i = 0; i < rows.length; i++) {
    const seriesId = rows.seriesIds[i]!;
    if (seriesId !== current) {
      endSeries();
      current = seriesId;
    }
    const us = rows.micros[i]!;
    const value = rows.values[i]!;
    addTo(seriesMinutes, seriesId, Math.floor(us / MINUTE_US) * MINUTE_US, value);
    addTo(seriesHours, seriesId, Math.floor(us / HOUR_US) * HOUR_US, value);
  }
  endSeries();
  return { minutes, hours };
}

function rollupParams(buckets: Rollup[]): unknown[] {
  return [
    buckets.map((b) => b.seriesId),
    buckets.map((b) => microsToMs(b.bucket)),
    buckets.map((b) => b.min),
    buckets.map((b) => b.max),
    buckets.map((b) => b.sum),
    buckets.map((b) => b.count),
  ];
}

interface Columns extends RawColumns {
  /** the timestamps as given, for the SQL paths (to_timestamp(ms / 1000.0)) */
  ms: Float64Array;
  duplicates: number;
}

/**
 * The rows to write: samples of the batches kept, each (series, timestamp) once, the first
 * occurrence winning as it would under ON CONFLICT DO NOTHING; grouped by series in ascending id
 * order, keeping each series' own order. Collection delivers every series at one instant, then
 * the next; the primary key takes rows series by series markedly faster (neighbouring keys, the
 * same index pages), and the rollups come out in one pass.
 */
function toColumns(samples: StoredSample[], ids: Int32Array, keep: (index: number) => boolean): Columns {
  const n = samples.length;
  const rowSlot = new Int32Array(n);
  const rowMicros = new Float64Array(n);
  const rowIndex = new Int32Array(n);
  // Per series seen (a slot): its id, how many rows, its newest timestamp so far.
  const slotOf = new Map<number, number>();
  const slotSeries: number[] = [];
  const slotCount: number[] = [];
  const slotNewest: number[] = [];
  // A series whose timestamps only grow within the call cannot repeat one; only the others get
  // the costlier check.
  let suspects: Set<number> | undefined;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    const s = samples[i]!;
    if (!Number.isFinite(s.timestamp)) throw new Error(`sample ${s.name} has no valid timestamp (${s.timestamp})`);
    const seriesId = ids[i]!;
    const us = pgMicros(s.timestamp);
    let slot = slotOf.get(seriesId);
    if (slot === undefined) {
      slot = slotSeries.length;
      slotOf.set(seriesId, slot);
      slotSeries.push(seriesId);
      slotCount.push(0);
      slotNewest.push(us);
    } else if (us > slotNewest[slot]!) slotNewest[slot] = us;
    else (suspects ??= new Set()).add(slot);
    slotCount[slot]!++;
    rowSlot[kept] = slot;
    rowMicros[kept] = us;
    rowIndex[kept] = i;
    kept++;
  }
  let duplicates = 0;
  let dropped: Uint8Array | undefined;
  if (suspects) {
    dropped = new Uint8Array(kept);
    const seen = new Map<number, Set<number>>();
    for (let r = 0; r < kept; r++) {
      const slot = rowSlot[r]!;
      if (!suspects.has(slot)) continue;
      let times = seen.get(slot);
      if (times === undefined) seen.set(slot, (times = new Set()));
      if (times.has(rowMicros[r]!)) {
        dropped[r] = 1;
        slotCount[slot]!--;
        duplicates++;
      } else times.add(rowMicros[r]!);
    }
  }
  const length = kept - duplicates;
  const next = new Array<number>(slotSeries.length);
  let at = 0;
  for (const slot of slotSeries.map((_, i) => i).sort((a, b) => slotSeries[a]! - slotSeries[b]!)) {
    next[slot] = at;
    at += slotCount[slot]!;
  }
  const seriesIds = new Int32Array(length);
  const micros = new Float64Array(length);
  const ms = new Float64Array(length);
  const values = new Float64Array(length);
  for (let r = 0; r < kept; r++) {
    if (dropped?.[r]) continue;
    const slot = rowSlot[r]!;
    const to = next[slot]!++;
    const s = samples[rowIndex[r]!]!;
    seriesIds[to] = slotSeries[slot]!;
    micros[to] = rowMicros[r]!;
    ms[to] = s.timestamp;
    values[to] = s.value;
  }
  return { length, seriesIds, micros, ms, values, duplicates };
}

const sqlArrays = (rows: Columns): unknown[] => [
  Array.from(rows.seriesIds.subarray(0, rows.length)),
  Array.from(rows.ms.subarray(0, rows.length)),
  Array.from(rows.values.subarray(0, rows.length)),
];

/** Raw samples plus 1-minute and 1-hour rollups in PostgreSQL (or PGlite). */
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

  /** Deletes what is older than each resolution's retention, and old batch ledger rows. Returns rows removed per table. */
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
    const { rows } = await this.sql.query<{ n: number }>(
      `WITH d AS (DELETE FROM history_batches WHERE written_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [new Date(now - BATCH_LEDGER_KEEP_MS)],
    );
    removed.history_batches = rows[0]?.n ?? 0;
    return removed;
  }

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }
}
