import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorOnce } from '@vigia/plugin-sdk';
import { createPostgresDatabase, waitFor } from '@vigia/testing';
import postgresCollector from '../src/index.ts';
import { connect, databaseName, samplesNamed, valueOf } from './helpers.ts';

describe('postgres collector on a real server under load', () => {
  let db: { url: string; drop(): Promise<void> };
  let name: string;
  const holders: pg.Client[] = [];
  let sleeper: pg.Client;
  let sleeping: Promise<unknown>;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    name = databaseName(db.url);
    const setup = await connect(db.url);
    await setup.query('CREATE TABLE orders (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false)');
    await setup.query('CREATE TABLE tiny (id int) WITH (autovacuum_enabled = false)');
    await setup.query(`INSERT INTO orders SELECT g, repeat('x', 100) FROM generate_series(1, 1000) g`);
    await setup.query('INSERT INTO tiny VALUES (1)');
    await setup.query('DELETE FROM orders WHERE id <= 400');
    for (let i = 0; i < 3; i++) await setup.query('SELECT count(*) FROM orders');
    await setup.query('SET enable_seqscan = off');
    await setup.query('SELECT * FROM orders WHERE id = 500');
    // A backend flushes its table counters when it exits; ending it makes them visible promptly.
    await setup.end();

    for (let i = 0; i < 2; i++) holders.push(await connect(db.url));
    const inTransaction = await connect(db.url);
    holders.push(inTransaction);
    await inTransaction.query('BEGIN');
    await inTransaction.query('SELECT 1');
    sleeper = await connect(db.url);
    sleeping = sleeper.query('SELECT pg_sleep(60)').catch(() => undefined);
    const pid = (sleeper as unknown as { processID: number }).processID;
    const watcher = await connect(db.url);
    await waitFor(async () => (await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid])).rowCount, { what: 'the sleeping query' });
    await watcher.end();
  });

  afterAll(async () => {
    const admin = db && (await connect(db.url));
    await admin?.query('SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    await admin?.end();
    await sleeping;
    await Promise.all([...holders, sleeper].filter(Boolean).map((c) => c.end().catch(() => undefined)));
    await db?.drop();
  });

  it('counts connections by state and their share of max_connections', async () => {
    const result = await runCollectorOnce(postgresCollector(), { config: { url: db.url } });
    expect(result.invalid).toEqual([]);
    const ours = (state: string) => valueOf(result, 'db_connections', { database: name, state });
    expect(ours('idle_in_transaction')).toBe(1);
    // The pg_sleep query, plus the collector's own statement reading pg_stat_activity.
    expect(ours('active')).toBeGreaterThanOrEqual(2);
    expect(ours('idle')).toBeGreaterThanOrEqual(2);
    for (const s of samplesNamed(result, 'db_connections')) expect(s.labels?.state).toMatch(/^[a-z0-9_]+$/);

    const max = valueOf(result, 'db_connections_max')!;
    expect(max).toBeGreaterThan(0);
    const total = samplesNamed(result, 'db_connections').reduce((sum, s) => sum + s.value, 0);
    expect(valueOf(result, 'db_connection_usage')).toBeCloseTo((total / max) * 100, 2);
    expect(valueOf(result, 'db_size_bytes')).toBeGreaterThan(0);
    expect(valueOf(result, 'db_deadlocks_total')).toBe(0);
  });

  it('reports the largest tables with live and dead rows, size and scans', async () => {
    const check = await connect(db.url);
    const { rows } = await check.query<{ size: string }>(`SELECT pg_total_relation_size('orders') AS size`);
    await check.end();
    const result = await waitFor(
      async () => {
        const r = await runCollectorOnce(postgresCollector(), { config: { url: db.url, top_tables: 1 } });
        return valueOf(r, 'db_table_dead_rows', { table: 'orders' }) === 400 ? r : undefined;
      },
      { what: 'dead rows of orders' },
    );
    const labels = { schema: 'public', table: 'orders' };
    expect(valueOf(result, 'db_table_rows', labels)).toBe(600);
    expect(valueOf(result, 'db_table_size_bytes', labels)).toBe(Number(rows[0]!.size));
    expect(valueOf(result, 'db_table_seq_scans_total', labels)).toBeGreaterThanOrEqual(3);
    expect(valueOf(result, 'db_table_index_scans_total', labels)).toBeGreaterThanOrEqual(1);
    // top_tables: 1 keeps only the largest table.
    expect(samplesNamed(result, 'db_table_rows').map((s) => s.labels?.table)).toEqual(['orders']);
  });

  it('turns counters into rates over the interval between two collects', async () => {
    const collector = postgresCollector();
    const probe = await connect(db.url);
    const commits = async () => Number((await probe.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit);
    try {
      const started = performance.now();
      const first = await runCollectorOnce(collector, { config: { url: db.url }, keepOpen: true });
      expect(valueOf(first, 'db_transactions_per_sec')).toBeUndefined();
      const base = await commits();
      const worker = await connect(db.url);
      for (let i = 0; i < 50; i++) await worker.query('SELECT count(*) FROM orders');
      await worker.end();
      await waitFor(async () => (await commits()) >= base + 50, { what: 'the 50 transactions in pg_stat_database' });
      const second = await runCollectorOnce(collector, { config: { url: db.url }, keepOpen: true });
      const outer = (performance.now() - started) / 1000;
      expect(second.invalid).toEqual([]);
      // At least those 50 transactions fell between the two readings, which lie within `outer`.
      expect(valueOf(second, 'db_transactions_per_sec')).toBeGreaterThanOrEqual(50 / outer - 0.01);
      const hitRate = valueOf(second, 'db_cache_hit_rate')!;
      expect(hitRate).toBeGreaterThan(0);
      expect(hitRate).toBeLessThanOrEqual(100);
    } finally {
      await probe.end();
      await collector.close?.();
    }
  });
});
