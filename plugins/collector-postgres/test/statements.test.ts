import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorOnce } from '@vigia/plugin-sdk';
import { createPostgresDatabase } from '@vigia/testing';
import postgresCollector from '../src/index.ts';
import { OWN_QUERY_MARK } from '../src/config.ts';
import { connect, valueOf } from './helpers.ts';
import { startPrivateCluster, type PrivateCluster } from './private-cluster.ts';

const QUERY_METRICS = ['db_avg_query_time_ms', 'db_slow_queries'];

describe('pg_stat_statements on the shared server', () => {
  let db: { url: string; drop(): Promise<void> };
  let preloaded = false;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const client = await connect(db.url);
    const { rows } = await client.query<{ shared_preload_libraries: string }>('SHOW shared_preload_libraries');
    preloaded = rows[0]!.shared_preload_libraries
      .split(',')
      .map((s) => s.trim())
      .includes('pg_stat_statements');
    await client.end();
  });

  afterAll(() => db?.drop());

  it('says "not installed" with the fix, and emits no query metrics, when the extension is absent', async () => {
    const result = await runCollectorOnce(postgresCollector(), { config: { url: db.url } });
    expect(result.info).toMatchObject({ pgStatStatements: 'not installed', queries: [] });
    expect(result.info.pgStatStatementsFix).toMatch(/shared_preload_libraries.*CREATE EXTENSION pg_stat_statements/);
    expect(result.samples.filter((s) => QUERY_METRICS.includes(s.name))).toEqual([]);
    expect(valueOf(result, 'db_connections_max')).toBeGreaterThan(0);
  });

  it('tells a created but not preloaded extension apart, without failing', async () => {
    const client = await connect(db.url);
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.end();
    const result = await runCollectorOnce(postgresCollector(), { config: { url: db.url } });
    if (preloaded) {
      expect(result.info.pgStatStatements).toBe('installed');
      return;
    }
    expect(result.info).toMatchObject({ pgStatStatements: 'not installed' });
    expect(result.info.pgStatStatementsReason).toMatch(/shared_preload_libraries/);
    expect(result.samples.filter((s) => QUERY_METRICS.includes(s.name))).toEqual([]);
  });
});

describe('pg_stat_statements installed (a private server with it preloaded)', () => {
  let cluster: PrivateCluster | string;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    if (typeof cluster === 'string') return;
    const client = await connect(cluster.url);
    await client.query('CREATE EXTENSION pg_stat_statements');
    await client.end();
  });

  afterAll(async () => {
    if (typeof cluster !== 'string') await cluster?.stop();
  });

  it('measures the mean query time of the interval, slow statements and the top queries', async (ctx) => {
    if (typeof cluster === 'string') return ctx.skip(cluster);
    const url = cluster.url;
    const collector = postgresCollector();
    // Read the way the collector does, marked so these reads stay out of the numbers too.
    const probe = await connect(url);
    const totals = async () => {
      const { rows } = await probe.query(
        `${OWN_QUERY_MARK} SELECT sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS time FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '${OWN_QUERY_MARK}%'`,
      );
      return rows[0] as { calls: number; time: number };
    };
    try {
      const config = { url, slow_query_ms: 100, top_queries: 5 };
      const first = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(first.info.pgStatStatements).toBe('installed');
      expect(valueOf(first, 'db_avg_query_time_ms')).toBeUndefined(); // a baseline only
      const before = await totals();

      const app = await connect(url);
      for (let i = 0; i < 2; i++) await app.query('SELECT pg_sleep(0.3)');
      for (let i = 0; i < 5; i++) await app.query('SELECT count(*) FROM generate_series(1, 1000)');
      await app.end();

      const after = await totals();
      const second = await runCollectorOnce(collector, { config, keepOpen: true });
      expect(second.invalid).toEqual([]);
      expect(after.calls - before.calls).toBe(7);
      expect(valueOf(second, 'db_avg_query_time_ms')).toBeCloseTo((after.time - before.time) / (after.calls - before.calls), 2);
      expect(valueOf(second, 'db_slow_queries')).toBeGreaterThanOrEqual(1);

      const queries = second.info.queries as { query: string; calls: number; total_ms: number; mean_ms: number }[];
      expect(queries.length).toBeLessThanOrEqual(5);
      const sleep = queries.find((q) => q.query.includes('pg_sleep'));
      expect(sleep).toMatchObject({ calls: 2 });
      expect(sleep!.mean_ms).toBeCloseTo(sleep!.total_ms / 2, 2);
      for (const q of queries) {
        expect(q.query.length).toBeLessThanOrEqual(200);
        expect(q.query.startsWith(OWN_QUERY_MARK)).toBe(false);
      }
    } finally {
      await probe.end();
      await collector.close?.();
    }
  });
});
