import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seriesKey } from '@vigia/core';
import { STORE_KINDS, createTestStore, type TestDatabase } from '../src/testing.ts';
import { BATCH_LEDGER_KEEP_MS, HistoryStore, openStore, type HistoryBatch, type StoredSample, type Store } from '../src/index.ts';
import { encodeRawRows, pgMicros } from '../src/sample-copy.ts';

// These tests write small batches but are about the ledger and COPY path, which larger writes take.
const LEDGER_PATH = { smallWrite: 0 };

const t0 = Date.UTC(2026, 10, 26, 10, 58, 0);
const retention = { raw: 3e12, '1m': 3e12, '1h': 3e12 };

function samplesFor(name: string, series: number, timestamps: number, stepMs: number, value: (s: number, t: number) => number, start = t0): StoredSample[] {
  const out: StoredSample[] = [];
  for (let t = 0; t < timestamps; t++) {
    for (let s = 0; s < series; s++) {
      const labels = { host: `h${s}` };
      out.push({ name, labels, key: seriesKey(name, labels), unit: 'ms', value: value(s, t), timestamp: start + t * stepMs });
    }
  }
  return out;
}

/** Stored rollups next to the same rollups recomputed from the raw rows: they must agree exactly. */
async function rollupsAgainstRaw(sql: Store['sql'], name: string) {
  const read = async (text: string) => (await sql.query<{ series_id: number; t: number; min: number; max: number; sum: number; count: number }>(text, [name])).rows;
  const out: Record<string, { stored: unknown[]; fromRaw: unknown[] }> = {};
  for (const [table, unit] of [
    ['samples_1m', 'minute'],
    ['samples_1h', 'hour'],
  ] as const) {
    out[table] = {
      stored: await read(`SELECT r.series_id, (extract(epoch FROM r.bucket) * 1000)::float8 AS t, r.min, r.max, r.sum, r.count
        FROM ${table} r JOIN series s ON s.id = r.series_id WHERE s.name = $1 ORDER BY 1, 2`),
      fromRaw: await read(`SELECT r.series_id, (extract(epoch FROM date_trunc('${unit}', r.ts, 'UTC')) * 1000)::float8 AS t,
          min(r.value) AS min, max(r.value) AS max, sum(r.value) AS sum, count(*)::int AS count
        FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1 GROUP BY 1, 2 ORDER BY 1, 2`),
    };
  }
  return out;
}

async function rawCount(sql: Store['sql'], name: string): Promise<{ n: number; distinct_n: number }> {
  const { rows } = await sql.query<{ n: number; distinct_n: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT (r.series_id, r.ts))::int AS distinct_n FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1`,
    [name],
  );
  return rows[0]!;
}

async function rollupCount(sql: Store['sql'], name: string, table = 'samples_1m'): Promise<number> {
  const { rows } = await sql.query<{ n: number | null }>(`SELECT sum(r.count)::int AS n FROM ${table} r JOIN series s ON s.id = r.series_id WHERE s.name = $1`, [name]);
  return rows[0]!.n ?? 0;
}

describe('COPY binary encoding', () => {
  it('turns whole milliseconds into microseconds since 2000 exactly', () => {
    expect(pgMicros(Date.UTC(2000, 0, 1))).toBe(0);
    expect(pgMicros(Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe(-1000);
    expect(pgMicros(Date.UTC(2026, 10, 26, 10, 58, 0, 123))).toBe((Date.UTC(2026, 10, 26, 10, 58, 0, 123) - Date.UTC(2000, 0, 1)) * 1000);
    expect(pgMicros(1)).toBe(-946_684_800_000_000 + 1000);
  });

  it('writes the signature, one 34-byte tuple per row and the trailer', () => {
    const buffer = encodeRawRows({ length: 2, seriesIds: Int32Array.of(7, 8), micros: Float64Array.of(-1000, 2 ** 40 + 5), values: Float64Array.of(0.1, -2) });
    expect(buffer.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(buffer.length).toBe(19 + 2 * 34 + 2);
    expect(buffer.readInt16BE(19)).toBe(3);
    expect(buffer.readInt32BE(19 + 6)).toBe(7);
    expect(buffer.readBigInt64BE(19 + 14)).toBe(-1000n);
    expect(buffer.readDoubleBE(19 + 26)).toBe(0.1);
    expect(buffer.readBigInt64BE(19 + 34 + 14)).toBe(BigInt(2 ** 40 + 5));
    expect(buffer.readInt16BE(buffer.length - 2)).toBe(-1);
  });
});

describe.each(STORE_KINDS)('history ingest on %s', (kind) => {
  let database: TestDatabase;
  let history: HistoryStore;
  let sql: Store['sql'];

  beforeAll(async () => {
    database = await createTestStore(kind);
    sql = database.store.sql;
  }, 60_000);
  afterAll(() => database?.drop());
  beforeEach(() => {
    history = new HistoryStore(sql, LEDGER_PATH);
  });

  it('writes on the fast path with rollups equal to the raw rows, across minute and hour boundaries', async () => {
    // 5 series × 300 timestamps 20 s apart from 10:58: five minute buckets per series and two hours.
    const samples = samplesFor('fast_metric', 5, 300, 20_000, (s, t) => ((s * 7 + t * 13) % 41) - 20 + 0.5 * (t % 3));
    const result = await history.insert(samples);
    expect(result).toEqual({ written: 1500, duplicates: 0, skippedBatches: 0, path: 'fast' });
    const rollups = await rollupsAgainstRaw(sql, 'fast_metric');
    expect(rollups.samples_1m!.stored).toHaveLength(5 * 100);
    expect(rollups.samples_1m!.stored).toEqual(rollups.samples_1m!.fromRaw);
    expect(rollups.samples_1h!.stored).toEqual(rollups.samples_1h!.fromRaw);
    expect(await rollupCount(sql, 'fast_metric', 'samples_1h')).toBe(1500);
  });

  it('computes the microseconds to_timestamp(ms / 1000.0) stores, fractions of a millisecond included', async () => {
    const ms: number[] = [t0, 1, Date.UTC(1999, 11, 31, 23, 59, 59, 999), t0 + 0.0005, t0 + 0.0015, t0 + 0.0025, 946_684_800_000.0005, 946_684_800_000.0015];
    let seed = 42;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      ms.push(t0 + (seed % 100_000_000) / 1000 + (i % 2 ? 0.0005 : 0));
    }
    const { rows } = await sql.query<{ us: string }>(
      `SELECT ((extract(epoch FROM to_timestamp(ms / 1000.0)) - 946684800) * 1000000)::int8::text AS us FROM unnest($1::float8[]) WITH ORDINALITY AS t(ms, i) ORDER BY i`,
      [ms],
    );
    expect(rows.map((r) => Number(r.us))).toEqual(ms.map(pgMicros));
  });

  it('stores values and timestamps exactly, before 2000 and far ahead too', async () => {
    const odd = [0.1, 0, 5e-324, 1.7976931348623157e308, -123456.789, 1 / 3];
    const times = [1, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 0, 1), t0 + 0.25, Date.UTC(2099, 5, 1, 12, 0, 0, 1), Date.UTC(2262, 0, 1)];
    const samples = times.map((timestamp, i) => ({ name: 'exact_metric', labels: {}, value: odd[i]!, timestamp }));
    expect((await history.insert(samples)).path).toBe('fast');
    const { rows } = await sql.query<{ t: string; v: number }>(
      `SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t, value AS v FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = 'exact_metric' ORDER BY ts`,
    );
    expect(rows.map((r) => r.v)).toEqual(odd);
    expect(rows.map((r) => r.t)).toEqual([
      '1970-01-01 00:00:00.001000',
      '1999-12-31 23:59:59.999000',
      '2000-01-01 00:00:00.000000',
      '2026-11-26 10:58:00.000250',
      '2099-06-01 12:00:00.001000',
      '2262-01-01 00:00:00.000000',
    ]);
    // The same samples again, without a ledger id: found stored, not stored twice.
    expect(await history.insert(samples)).toMatchObject({ written: 0, path: 'conflict' });
    expect(await rawCount(sql, 'exact_metric')).toEqual({ n: 6, distinct_n: 6 });
  });

  it('stores a batch written twice (a retry after a crash) once, and counts it once', async () => {
    const batches: HistoryBatch[] = [0, 1, 2].map((b) => ({ id: `1700000000000-${b}`, samples: samplesFor('retry_metric', 10, 5, 1_000, (s, t) => s + t, t0 + b * 5_000) }));
    expect(await history.insertBatches(batches)).toEqual({ written: 150, duplicates: 0, skippedBatches: 0, path: 'fast' });
    // A successor process (empty caches) receives the same entries again.
    const successor = new HistoryStore(sql, LEDGER_PATH);
    expect(await successor.insertBatches(batches)).toEqual({ written: 0, duplicates: 0, skippedBatches: 3, path: 'none' });
    expect(await rawCount(sql, 'retry_metric')).toEqual({ n: 150, distinct_n: 150 });
    expect(await rollupCount(sql, 'retry_metric')).toBe(150);
    expect(await rollupCount(sql, 'retry_metric', 'samples_1h')).toBe(150);
  });

  it('writes only the new entries of a retry regrouped with entries never written', async () => {
    const batch = (b: number): HistoryBatch => ({ id: `1700000000001-${b}`, samples: samplesFor('regroup_metric', 4, 3, 1_000, (s) => s * 10 + b, t0 + b * 3_000) });
    await history.insertBatches([batch(0), batch(1)]);
    // The dead worker's two entries come back claimed, next to two new ones and one given twice.
    const result = await new HistoryStore(sql, LEDGER_PATH).insertBatches([batch(0), batch(1), batch(2), batch(3), batch(3)]);
    expect(result).toEqual({ written: 24, duplicates: 0, skippedBatches: 2, path: 'fast' });
    expect(await rawCount(sql, 'regroup_metric')).toEqual({ n: 48, distinct_n: 48 });
    const rollups = await rollupsAgainstRaw(sql, 'regroup_metric');
    expect(rollups.samples_1m!.stored).toEqual(rollups.samples_1m!.fromRaw);
    expect(await rollupCount(sql, 'regroup_metric')).toBe(48);
  });

  it('keeps the first of two samples with the same series and timestamp in one batch', async () => {
    const labels = { host: 'a' };
    const samples: StoredSample[] = [
      { name: 'dup_metric', labels, value: 1, timestamp: t0 },
      { name: 'dup_metric', labels, value: 2, timestamp: t0 + 1_000 },
      { name: 'dup_metric', labels, value: 99, timestamp: t0 },
      { name: 'dup_metric', labels: { host: 'b' }, value: 5, timestamp: t0 },
      { name: 'dup_metric', labels, value: 3, timestamp: t0 - 1_000 },
      { name: 'dup_metric', labels, value: 98, timestamp: t0 + 1_000 },
    ];
    expect(await history.insertBatches([{ id: 'dup-1', samples }])).toEqual({ written: 4, duplicates: 2, skippedBatches: 0, path: 'fast' });
    const [a] = await history.range('dup_metric', labels, t0 - 1_000, t0 + 1_000, { resolution: 'raw', bucketMs: 0 });
    expect(a!.points.map((p) => p.v)).toEqual([3, 1, 2]);
    const [m] = await history.range('dup_metric', labels, t0 - 60_000, t0 + 60_000, { resolution: '1m', bucketMs: 60_000 });
    expect(m!.points.map((p) => [p.min, p.max])).toEqual([
      [3, 3],
      [1, 2],
    ]);
    expect(await rollupCount(sql, 'dup_metric')).toBe(4);
  });

  it('falls back to ON CONFLICT for a new batch repeating stored samples, and still stores its new ones', async () => {
    const old = samplesFor('repeat_metric', 3, 4, 1_000, (s, t) => s + t);
    await history.insertBatches([{ id: 'repeat-1', samples: old }]);
    // Not a retry (another id): a source that sends the same timestamps again, with other values, plus new ones.
    const again = [...samplesFor('repeat_metric', 3, 4, 1_000, () => 1000), ...samplesFor('repeat_metric', 3, 2, 1_000, () => 7, t0 + 4_000)];
    expect(await history.insertBatches([{ id: 'repeat-2', samples: again }])).toEqual({ written: 6, duplicates: 0, skippedBatches: 0, path: 'conflict' });
    expect(await rawCount(sql, 'repeat_metric')).toEqual({ n: 18, distinct_n: 18 });
    const rollups = await rollupsAgainstRaw(sql, 'repeat_metric');
    expect(rollups.samples_1m!.stored).toEqual(rollups.samples_1m!.fromRaw);
    expect(rollups.samples_1h!.stored).toEqual(rollups.samples_1h!.fromRaw);
    // The fallback recorded the id as well: the batch retried is skipped.
    expect(await history.insertBatches([{ id: 'repeat-2', samples: again }])).toMatchObject({ written: 0, skippedBatches: 1 });
    expect(await rollupCount(sql, 'repeat_metric')).toBe(18);
  });

  it('forgets ledger rows after a day with the retention run', async () => {
    await history.insertBatches([{ id: 'ledger-old', samples: samplesFor('ledger_metric', 1, 1, 1_000, () => 1) }]);
    await sql.query(`UPDATE history_batches SET written_at = now() - interval '25 hours' WHERE id = 'ledger-old'`);
    await history.insertBatches([{ id: 'ledger-new', samples: samplesFor('ledger_metric', 1, 1, 1_000, () => 1, t0 + 1_000) }]);
    const removed = await history.enforceRetention(Date.now(), retention);
    expect(removed.history_batches).toBe(1);
    const { rows } = await sql.query<{ id: string }>(`SELECT id FROM history_batches WHERE id LIKE 'ledger-%'`);
    expect(rows.map((r) => r.id)).toEqual(['ledger-new']);
    expect(BATCH_LEDGER_KEEP_MS).toBe(24 * 3600e3);
  });

  it('records the ids of empty batches and does nothing else', async () => {
    expect(await history.insertBatches([{ id: 'empty-1', samples: [] }])).toEqual({ written: 0, duplicates: 0, skippedBatches: 0, path: 'none' });
    expect(await history.insertBatches([{ id: 'empty-1', samples: [] }])).toMatchObject({ skippedBatches: 1 });
    expect(await history.insert([])).toMatchObject({ path: 'none' });
  });
});

describe('history ingest on postgres, two writers at once', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestStore('postgres');
  }, 60_000);
  afterAll(() => database?.drop());

  it('writes a batch both writers hold once: the second waits for the first, then skips it', async () => {
    const batches: HistoryBatch[] = Array.from({ length: 20 }, (_, b) => ({ id: `race-${String(b).padStart(2, '0')}`, samples: samplesFor('race_metric', 50, 2, 1_000, (s) => s, t0 + b * 2_000) }));
    const shuffled = [...batches].reverse();
    const [a, b] = await Promise.all([new HistoryStore(database.store.sql, LEDGER_PATH).insertBatches(batches), new HistoryStore(database.store.sql, LEDGER_PATH).insertBatches(shuffled)]);
    expect(a.written + b.written).toBe(2_000);
    expect(a.skippedBatches + b.skippedBatches).toBe(20);
    expect(await rawCount(database.store.sql, 'race_metric')).toEqual({ n: 2_000, distinct_n: 2_000 });
    expect(await rollupCount(database.store.sql, 'race_metric')).toBe(2_000);
  });
});

describe.each(STORE_KINDS)('history ingest on %s with a session time zone of +05:30', (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestStore(kind);
    if (kind === 'pglite') {
      store = database.store;
      await store.sql.query(`SET TimeZone = 'Asia/Kolkata'`);
    } else {
      const { rows } = await database.store.sql.query<{ db: string }>('SELECT current_database() AS db');
      await database.store.sql.query(`ALTER DATABASE "${rows[0]!.db}" SET TimeZone = 'Asia/Kolkata'`);
      store = await openStore({ url: database.url!, migrate: false });
    }
  }, 60_000);
  afterAll(async () => {
    if (store && store !== database.store) await store.close();
    await database?.drop();
  });

  it('cuts rollups at UTC minutes and hours on both paths', async () => {
    const { rows: zone } = await store.sql.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz");
    expect(zone[0]!.tz).toBe('Asia/Kolkata');
    const history = new HistoryStore(store.sql, LEDGER_PATH);
    const start = Date.UTC(2026, 10, 26, 10, 20);
    // 10:20 to 11:39 UTC, one sample a minute: 40 in the 10:00 hour, 40 in the 11:00 hour.
    const samples = samplesFor('tz_metric', 1, 80, 60_000, (_, t) => t, start);
    expect((await history.insert(samples.slice(0, 40))).path).toBe('fast');
    // Overlapping the first half sends the rest down the ON CONFLICT path.
    expect(await history.insert(samples)).toMatchObject({ written: 40, path: 'conflict' });
    const { rows } = await store.sql.query<{ t: number; count: number }>(`SELECT (extract(epoch FROM bucket) * 1000)::float8 AS t, count FROM samples_1h ORDER BY bucket`);
    expect(rows).toEqual([
      { t: Date.UTC(2026, 10, 26, 10), count: 40 },
      { t: Date.UTC(2026, 10, 26, 11), count: 40 },
    ]);
    const rollups = await rollupsAgainstRaw(store.sql, 'tz_metric');
    expect(rollups.samples_1m!.stored).toEqual(rollups.samples_1m!.fromRaw);
  });
});
