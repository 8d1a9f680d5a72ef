import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { seriesKey } from '@vigia/core';
import { HistoryStore, type HistoryBatch, type InsertResult } from '@vigia/db';
import { createLogger } from '@vigia/log';
import { redisKeys, type LiveSample, type RedisKeys } from '@vigia/live';
import { STORE_KINDS, TEST_REDIS_URL, createTestStore, redisPrefix, waitFor, type TestDatabase } from '@vigia/testing';
import { PERSIST_GROUP, Persister, type PersisterOptions } from '../src/persister.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function entrySamples(name: string, series: number, timestamp: number, value: number): LiveSample[] {
  return Array.from({ length: series }, (_, i) => {
    const labels = { i: String(i) };
    return { key: seriesKey(name, labels), name, labels, value, timestamp };
  });
}

/**
 * A HistoryStore that reports every write, and can be told what to do after one commits. It
 * sends even small writes down the ledger path, which these tests are about.
 */
class ObservedHistory extends HistoryStore {
  writes: { samples: number; result: InsertResult }[] = [];
  afterCommit?: () => Promise<void>;

  constructor(sql: ConstructorParameters<typeof HistoryStore>[0]) {
    super(sql, { smallWrite: 0 });
  }

  override async insertBatches(batches: HistoryBatch[]): Promise<InsertResult> {
    const result = await super.insertBatches(batches);
    this.writes.push({ samples: batches.reduce((n, b) => n + b.samples.length, 0), result });
    await this.afterCommit?.();
    return result;
  }
}

describe.each(STORE_KINDS)('the history persister on %s', (kind) => {
  let database: TestDatabase;
  let keys: RedisKeys;
  let cleanupRedis: () => Promise<void>;
  const redis = new Redis(TEST_REDIS_URL);
  const running: Persister[] = [];
  const connections: Redis[] = [];

  beforeAll(async () => {
    database = await createTestStore(kind);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
    for (const c of connections.splice(0)) c.disconnect();
    await cleanupRedis?.();
  });
  afterAll(async () => {
    redis.disconnect();
    await database?.drop();
  });

  async function start(history: HistoryStore, options: Partial<PersisterOptions> = {}): Promise<Persister> {
    const blocking = new Redis(TEST_REDIS_URL);
    connections.push(blocking);
    const persister = new Persister(blocking, keys, history, createLogger('test', 'silent'), { flushIntervalMs: 100, claimIdleMs: 300, ...options });
    await persister.start();
    running.push(persister);
    return persister;
  }

  function freshStream(): void {
    const prefix = redisPrefix();
    keys = redisKeys(prefix.prefix);
    cleanupRedis = prefix.cleanup;
  }

  const add = (samples: LiveSample[]) => redis.xadd(keys.ingest, '*', 'b', JSON.stringify({ source: 'test', samples }));
  const drained = async () => (await redis.xlen(keys.ingest)) === 0 && Number(((await redis.xpending(keys.ingest, PERSIST_GROUP)) as [number])[0]) === 0;

  async function stored(name: string): Promise<{ raw: number; distinct: number; m: number; h: number }> {
    const { rows } = await database.store.sql.query<{ raw: number; distinct: number; m: number | null; h: number | null }>(
      `SELECT (SELECT count(*) FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1)::int AS raw,
              (SELECT count(DISTINCT (r.series_id, r.ts)) FROM samples_raw r JOIN series s ON s.id = r.series_id WHERE s.name = $1)::int AS distinct,
              (SELECT sum(m.count) FROM samples_1m m JOIN series s ON s.id = m.series_id WHERE s.name = $1)::int AS m,
              (SELECT sum(h.count) FROM samples_1h h JOIN series s ON s.id = h.series_id WHERE s.name = $1)::int AS h`,
      [name],
    );
    const r = rows[0]!;
    return { raw: r.raw, distinct: r.distinct, m: r.m ?? 0, h: r.h ?? 0 };
  }

  it('writes at most storage.batch_size samples at a time, cutting an entry larger than that', async () => {
    freshStream();
    // 30 entries of 100 samples, one of 450, 5 more of 100; read 200 entries at a time.
    for (let b = 0; b < 30; b++) await add(entrySamples('split_metric', 100, t0 + b * 1000, b));
    await add(entrySamples('split_big', 450, t0, 1));
    for (let b = 30; b < 35; b++) await add(entrySamples('split_metric', 100, t0 + b * 1000, b));
    const history = new ObservedHistory(database.store.sql);
    const persister = await start(history, { batchSize: 250, readCount: 200 });
    await waitFor(drained, { what: 'every entry written and acknowledged' });
    expect(persister.lastError).toBeUndefined();
    expect(Math.max(...history.writes.map((w) => w.samples))).toBeLessThanOrEqual(250);
    // 15 parts of two 100-sample entries, the 450 cut in two of 250 and 200, then 5 entries in 3 parts.
    expect(history.writes.map((w) => w.samples)).toEqual([...Array(15).fill(200), 250, 200, 200, 200, 100]);
    expect(await stored('split_metric')).toEqual({ raw: 3500, distinct: 3500, m: 3500, h: 3500 });
    expect(await stored('split_big')).toEqual({ raw: 450, distinct: 450, m: 450, h: 450 });
    expect(persister.written).toBe(36);
    expect(persister.samplesWritten).toBe(3950);
  });

  it('gathers the collections that arrive within a flush interval of the last write into one write', async () => {
    freshStream();
    const history = new ObservedHistory(database.store.sql);
    const persister = await start(history, { flushIntervalMs: 3_000 });
    await add(entrySamples('gather_metric', 2, t0, 1));
    await waitFor(() => history.writes.length === 1, { what: 'the first collection written' });
    // Two more collections a moment apart, as collectors on one grid deliver them.
    await add(entrySamples('gather_metric', 3, t0 + 1000, 2));
    await new Promise((r) => setTimeout(r, 200));
    await add(entrySamples('gather_metric', 4, t0 + 2000, 3));
    await waitFor(drained, { what: 'every entry written and acknowledged', timeoutMs: 20_000 });
    expect(persister.lastError).toBeUndefined();
    expect(history.writes.map((w) => w.samples)).toEqual([2, 7]);
    expect(await stored('gather_metric')).toEqual({ raw: 9, distinct: 9, m: 9, h: 9 });
  });

  it('writes pushed batches once gatherBytes of them are read instead of waiting for the flush interval', async () => {
    freshStream();
    const history = new ObservedHistory(database.store.sql);
    // A flush interval far longer than the wait below: only the size of the read can start the write.
    const persister = await start(history, { flushIntervalMs: 600_000, gatherBytes: 20_000 });
    await add(entrySamples('backlog_metric', 2, t0, 1));
    await waitFor(() => history.writes.length === 1, { what: 'the first collection written' });
    // Pushed batches arriving one after another, each under gatherBytes, together well over it.
    for (let b = 0; b < 5; b++) await add(entrySamples('backlog_metric', 100, t0 + (b + 1) * 1000, b + 2));
    await waitFor(drained, { what: 'the burst written without waiting for the flush interval', timeoutMs: 30_000 });
    expect(persister.lastError).toBeUndefined();
    expect(history.writes.reduce((n, w) => n + w.samples, 0)).toBe(502);
    expect(await stored('backlog_metric')).toEqual({ raw: 502, distinct: 502, m: 502, h: 502 });
    // Its next read blocks for the flush interval: cut it short rather than wait ten minutes.
    const stopping = persister.stop();
    connections.at(-1)!.disconnect();
    await stopping;
    running.splice(running.indexOf(persister), 1);
  });

  it('stores an entry once when a worker dies after the commit and before the ack', async () => {
    freshStream();
    for (let b = 0; b < 4; b++) await add(entrySamples('dying_metric', 50, t0 + b * 1000, b));
    // The first worker commits its first part, then never gets to acknowledge it.
    const doomed = new ObservedHistory(database.store.sql);
    let die!: (error: Error) => void;
    doomed.afterCommit = () => new Promise((_, reject) => (die = reject));
    const first = await start(doomed, { batchSize: 100 });
    await waitFor(() => doomed.writes.length === 1, { what: 'the first part committed' });
    expect(await stored('dying_metric')).toMatchObject({ raw: 100 });

    // A successor claims the dead worker's entries once they have been idle long enough.
    for (let b = 4; b < 6; b++) await add(entrySamples('dying_metric', 50, t0 + b * 1000, b));
    const successor = new ObservedHistory(database.store.sql);
    await start(successor, { batchSize: 100 });
    await waitFor(drained, { what: 'the successor to write and acknowledge everything' });
    expect(successor.writes.reduce((n, w) => n + w.result.skippedBatches, 0)).toBe(2);
    expect(await stored('dying_metric')).toEqual({ raw: 300, distinct: 300, m: 300, h: 300 });
    expect(successor.writes.every((w) => w.result.path !== 'conflict')).toBe(true);

    const stopping = first.stop();
    die(new Error('stopped'));
    await stopping;
  });

  it('does not stall on a source that sends the same series and timestamp twice', async () => {
    freshStream();
    const history = new ObservedHistory(database.store.sql);
    const persister = await start(history, { batchSize: 100 });
    await add(entrySamples('twice_metric', 10, t0, 1));
    await waitFor(drained, { what: 'the first entry written' });
    // Later entries repeat those timestamps with other values, next to new ones, and twice within one entry.
    await add([...entrySamples('twice_metric', 10, t0, 2), ...entrySamples('twice_metric', 10, t0 + 1000, 2)]);
    await add([...entrySamples('twice_metric', 10, t0 + 2000, 3), ...entrySamples('twice_metric', 10, t0 + 2000, 4)]);
    await waitFor(drained, { what: 'the repeating entries written and acknowledged' });
    expect(persister.lastError).toBeUndefined();
    expect(history.writes.map((w) => w.result.path)).toContain('conflict');
    expect(await stored('twice_metric')).toEqual({ raw: 30, distinct: 30, m: 30, h: 30 });
    const [series] = await history.range('twice_metric', { i: '0' }, t0, t0 + 2000, { resolution: 'raw', bucketMs: 0 });
    expect(series!.points.map((p) => p.v)).toEqual([1, 2, 3]);
  });
});
