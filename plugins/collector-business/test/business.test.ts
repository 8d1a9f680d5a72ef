import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorOnce, type CollectorRunResult, type Logger } from '@vigia/plugin-sdk';
import { createPostgresDatabase, redisPrefix, TEST_REDIS_URL } from '@vigia/testing';
import businessCollector from '../src/index.ts';

const valueOf = (r: CollectorRunResult, name: string, labels?: Record<string, string>) =>
  r.samples.find((s) => s.name === name && Object.entries(labels ?? {}).every(([k, v]) => s.labels?.[k] === v))?.value;
const rejected = (r: CollectorRunResult, reason: string) => r.rejected.filter((x) => x.reason === reason).map((x) => x.detail);

function recordingLogger() {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message, fields) => void warnings.push({ message, fields }) };
  return { logger, warnings };
}

describe('business collector', () => {
  let space: { prefix: string; cleanup(): Promise<void> };
  let redis: Redis;
  let db: { url: string; drop(): Promise<void> };
  let admin: pg.Client;
  let prefix: string;

  beforeAll(async () => {
    space = redisPrefix();
    prefix = `${space.prefix}:mcp:`;
    redis = new Redis(TEST_REDIS_URL);
    db = await createPostgresDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE TABLE orders (id serial PRIMARY KEY, status text NOT NULL, region text, total numeric(12,2) NOT NULL)`);
    await admin.query(`INSERT INTO orders (status, region, total) VALUES
      ('paid', 'south', 100.50), ('paid', 'north', 200), ('pending', 'south', 50), ('cancelled', NULL, 10)`);
  });

  afterAll(async () => {
    await admin?.end();
    await db?.drop();
    await redis.quit();
    await space.cleanup();
  });

  it('reads the seed’s keys, reports a missing one as 0 and refuses a non-number, logging it once', async () => {
    await redis.set(`${prefix}metrics:orders:today`, '150');
    await redis.set(`${prefix}metrics:revenue:today`, '45000.00');
    await redis.set(`${prefix}metrics:quotes:today`, 'n/a');
    const { logger, warnings } = recordingLogger();
    const collector = businessCollector();
    try {
      const config = { url: TEST_REDIS_URL, prefix };
      const first = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(first.invalid).toEqual([]);
      expect(valueOf(first, 'business_orders_today')).toBe(150);
      expect(valueOf(first, 'business_revenue_today')).toBe(45000);
      expect(valueOf(first, 'business_quotes_today')).toBeUndefined();
      // Nobody wrote it yet: nothing happened, which is 0 (dashboards show a quiet day, not "No data").
      expect(valueOf(first, 'business_active_users')).toBe(0);
      expect(rejected(first, 'invalid_value')).toEqual([`${prefix}metrics:quotes:today`]);

      await redis.set(`${prefix}metrics:active_users`, '17');
      const second = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(valueOf(second, 'business_active_users')).toBe(17);
      expect(rejected(second, 'invalid_value')).toHaveLength(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.fields).toMatchObject({ key: `${prefix}metrics:quotes:today`, value: 'n/a' });
    } finally {
      await collector.close?.();
    }
  });

  it('runs configured SQL read-only: scalars, labelled rows, and failures that stop nothing', async () => {
    const collector = businessCollector();
    const { logger, warnings } = recordingLogger();
    const config = {
      url: TEST_REDIS_URL,
      prefix: `${prefix}sql:`,
      database: { url: db.url },
      statement_timeout_ms: 300,
      queries: [
        { name: 'orders_count', sql: 'SELECT count(*) FROM orders', help: 'All orders ever placed' },
        { name: 'orders_by_status', sql: 'SELECT status, region, count(*) AS value FROM orders GROUP BY status, region' },
        { name: 'revenue_paid', sql: `SELECT sum(total) FROM orders WHERE status = 'paid'`, unit: 'BRL' },
        { name: 'revenue_refunded', sql: `SELECT sum(total) FROM orders WHERE status = 'refunded'` },
        { name: 'wipe', sql: 'DELETE FROM orders RETURNING id' },
        { name: 'sneaky', sql: 'COMMIT; DELETE FROM orders' },
        { name: 'set_read_write', sql: 'SET TRANSACTION READ WRITE' },
        { name: 'slow', sql: 'SELECT 1 FROM pg_sleep(3)' },
        { name: 'not_a_number', sql: `SELECT 'x'::text AS label` },
        { name: 'hourly', sql: 'SELECT 42', interval: '1h' },
      ],
    };
    try {
      const first = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(first.invalid).toEqual([]);
      expect(valueOf(first, 'orders_count')).toBe(4);
      expect(valueOf(first, 'orders_by_status', { status: 'paid', region: 'south' })).toBe(1);
      expect(valueOf(first, 'orders_by_status', { status: 'cancelled', region: '' })).toBe(1);
      expect(first.samples.filter((s) => s.name === 'orders_by_status')).toHaveLength(4);
      expect(first.samples.find((s) => s.name === 'revenue_paid')).toEqual({ name: 'revenue_paid', value: 300.5, unit: 'BRL' });
      expect(valueOf(first, 'revenue_refunded')).toBeUndefined(); // sum over no rows is NULL
      expect(valueOf(first, 'hourly')).toBe(42);
      expect(rejected(first, 'query_failed').sort()).toEqual(['set_read_write', 'slow', 'sneaky', 'wipe']);
      expect(rejected(first, 'invalid_query_result')).toEqual(['not_a_number']);
      // Configured queries are described like built-in metrics.
      expect(collector.metrics?.orders_count?.help).toBe('All orders ever placed');
      expect(collector.metrics?.revenue_paid).toMatchObject({ unit: 'BRL' });

      const wipeError = warnings.find((w) => w.fields?.query === 'wipe')?.fields?.error;
      expect(wipeError).toMatch(/read-only transaction/);
      expect((await admin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(4);

      // Next tick: the hourly query is not due, the failures are counted again but not logged again.
      const logged = warnings.length;
      const second = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(valueOf(second, 'hourly')).toBeUndefined();
      expect(valueOf(second, 'orders_count')).toBe(4);
      expect(rejected(second, 'query_failed')).toHaveLength(4);
      expect(warnings).toHaveLength(logged);
    } finally {
      await collector.close?.();
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n).toBe(4);
  });

  it('counts an unreachable database as failed queries, not as a failed collector', async () => {
    const config = { url: TEST_REDIS_URL, prefix, database: { host: '127.0.0.1', port: 1, password: 'pw-secret' }, queries: [{ name: 'n', sql: 'SELECT 1' }] };
    const { logger, warnings } = recordingLogger();
    const r = await runCollectorOnce(businessCollector(), { config, logger });
    expect(rejected(r, 'query_failed')).toEqual(['n']);
    expect(valueOf(r, 'business_orders_today')).toBe(150);
    expect(JSON.stringify(warnings)).not.toContain('pw-secret');
  });

  it('fails the run when Redis is unreachable, without the password', async () => {
    const failure = runCollectorOnce(businessCollector(), { config: { url: 'redis://:topsecret@127.0.0.1:1', prefix } });
    await expect(failure).rejects.toThrow(/^Redis 127\.0\.0\.1:1: /);
    await expect(failure).rejects.not.toThrow(/topsecret/);
  });

  it('validates its options', async () => {
    const bad = (queries: unknown) => runCollectorOnce(businessCollector(), { config: { queries } });
    await expect(bad([{ name: 'has space', sql: 'SELECT 1' }])).rejects.toThrow();
    await expect(bad([{ name: 'a', sql: 'SELECT 1', interval: 'soon' }])).rejects.toThrow();
    await expect(
      bad([
        { name: 'a', sql: 'SELECT 1' },
        { name: 'a', sql: 'SELECT 2' },
      ]),
    ).rejects.toThrow(/two queries/);
  });
});
