import type { Redis } from 'ioredis';
import pg from 'pg';
import { defineCollector, type CollectContext, type Logger, type MetricDescriptor, type Sample } from '@vigia/plugin-sdk';
import { configSchema, type BusinessConfig, type BusinessQuery } from './config.ts';
import { describeRedis, openRedis } from '@vigia/plugin-sdk/redis';
import { readSeedKeys } from './seed-keys.ts';
import { describeDatabase, poolConfig, runReadOnly, toSamples } from './sql.ts';

export { configSchema, type BusinessConfig } from './config.ts';
export { SEED_KEYS } from './seed-keys.ts';

const SEED_METRICS: Record<string, MetricDescriptor> = {
  business_orders_today: { help: 'Orders placed today, as the application records them (<prefix>metrics:orders:today)' },
  business_revenue_today: { help: 'Revenue today, as the application records it (<prefix>metrics:revenue:today)' },
  business_quotes_today: { help: 'Quotes issued today, as the application records them (<prefix>metrics:quotes:today)' },
  business_active_users: { help: 'Users active right now, as the application records them (<prefix>metrics:active_users)' },
};

/** A query with an interval runs when at least that long has passed, with slack for tick jitter. */
function isDue(query: BusinessQuery, lastRun: number | undefined, now: number): boolean {
  if (!query.interval || lastRun === undefined) return true;
  return now - lastRun >= query.interval - Math.min(1_000, query.interval * 0.1);
}

/** The seed's business keys in Redis, plus read-only SQL queries against the monitored database. */
export default function businessCollector() {
  let redis: Redis | undefined;
  let pool: pg.Pool | undefined;
  let redisTarget = '';
  let dbTarget = '';
  // Per worker, on purpose: with several workers a query with its own interval may run once per
  // worker per interval. It is read-only and its result is a current reading, so that is harmless.
  const lastRun = new Map<string, number>();
  // Keys and queries already reported as broken: logged once until they work again.
  const reported = new Set<string>();
  const metrics: Record<string, MetricDescriptor> = { ...SEED_METRICS };

  function reportOnce(logger: Logger, what: string, message: string, fields: Record<string, unknown>) {
    if (reported.has(what)) return;
    reported.add(what);
    logger.warn(message, fields);
  }

  async function runQuery(ctx: CollectContext<BusinessConfig>, p: pg.Pool, query: BusinessQuery): Promise<Sample[]> {
    lastRun.set(query.name, ctx.now);
    const what = `query:${query.name}`;
    let result: pg.QueryResult;
    try {
      result = await runReadOnly(p, query.sql, ctx.config.statement_timeout_ms);
    } catch (error) {
      ctx.reject('query_failed', query.name);
      reportOnce(ctx.logger, what, 'business query failed (logged once until it succeeds)', { query: query.name, database: dbTarget, error: (error as Error).message });
      return [];
    }
    const samples = toSamples(query, result);
    if ('problem' in samples) {
      ctx.reject('invalid_query_result', query.name);
      reportOnce(ctx.logger, what, 'business query returned a result that is not a metric (logged once until it works)', { query: query.name, problem: samples.problem });
      return [];
    }
    reported.delete(what);
    return samples;
  }

  async function seedSamples(ctx: CollectContext<BusinessConfig>, r: Redis): Promise<Sample[]> {
    let readings;
    try {
      readings = await readSeedKeys(r, ctx.config.prefix);
    } catch (error) {
      throw new Error(`Redis ${redisTarget}: ${(error as Error).message}`, { cause: error });
    }
    const samples: Sample[] = [];
    for (const reading of readings) {
      if ('value' in reading) {
        samples.push({ name: reading.metric, value: reading.value });
        reported.delete(reading.key);
      } else if ('missing' in reading) {
        // Nobody wrote the key yet: nothing happened today, and the series says so (0) rather
        // than leaving dashboards with "No data".
        samples.push({ name: reading.metric, value: 0 });
      } else {
        ctx.reject('invalid_value', reading.key);
        reportOnce(ctx.logger, reading.key, 'business key does not hold a number; skipped (logged once until it does)', { key: reading.key, value: reading.invalid });
      }
    }
    return samples;
  }

  return defineCollector<BusinessConfig>({
    name: 'business',
    description: 'Orders, revenue, quotes and active users from the seed’s Redis keys, plus read-only SQL queries',
    configSchema,
    metrics,

    init({ config, logger }) {
      // The host reads `metrics` after init, so configured queries get their HELP text too.
      for (const q of config.queries) metrics[q.name] ??= { help: q.help ?? `Result of the business query "${q.name}"`, ...(q.unit ? { unit: q.unit } : {}) };
      if (!redis) {
        redisTarget = describeRedis(config.url);
        redis = openRedis(config.url, logger);
      }
      if (!pool && config.queries.length) {
        dbTarget = describeDatabase(config.database);
        pool = new pg.Pool(poolConfig(config.database, config));
        pool.on('error', (error) => logger.warn('idle PostgreSQL connection failed', { database: dbTarget, error: error.message }));
        // A connection lost mid-query must fail that query, not the worker.
        pool.on('connect', (client) => client.on('error', () => {}));
      }
    },

    async collect(ctx) {
      if (!redis) throw new Error('business collector used before init');
      const due = pool ? ctx.config.queries.filter((q) => isDue(q, lastRun.get(q.name), ctx.now)) : [];
      const p = pool;
      const [seed, ...queried] = await Promise.allSettled([seedSamples(ctx, redis), ...due.map((q) => runQuery(ctx, p!, q))]);
      // runQuery never throws; the seed keys are this collector's main input, so losing Redis fails the run.
      if (seed!.status === 'rejected') throw seed!.reason;
      return [...seed!.value, ...queried.flatMap((q) => (q.status === 'fulfilled' ? q.value : []))];
    },

    async close() {
      const r = redis;
      const p = pool;
      redis = undefined;
      pool = undefined;
      await Promise.all([r?.quit().catch(() => r.disconnect()), p?.end()]);
    },
  });
}
