import pg from 'pg';
import { defineCollector, type Logger, type Sample } from '@vigia/plugin-sdk';
import { configSchema, describeTarget, poolConfig, type PostgresConfig } from './config.ts';
import { readConnections } from './connections.ts';
import { readDatabaseStats, type DatabaseCounter } from './database-stats.ts';
import { CounterDeltas } from './deltas.ts';
import { metrics } from './metrics.ts';
import { readStatements, type StatementCounter } from './statements.ts';
import { readTables } from './tables.ts';

/** Node reports a refused dual-stack connect as an AggregateError with an empty message. */
function errorText(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: { message?: string }[] };
  return e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(error);
}

export { configSchema, type PostgresConfig } from './config.ts';
export { PG_STAT_STATEMENTS_FIX } from './statements.ts';

/** The monitored application database (not Vigia's own): connections, activity, tables, queries. */
export default function postgresCollector() {
  let pool: pg.Pool | undefined;
  let target = '';
  const databaseDeltas = new CounterDeltas<DatabaseCounter>();
  const statementDeltas = new CounterDeltas<StatementCounter>();

  async function statements(p: pg.Pool, config: PostgresConfig, logger: Logger) {
    try {
      return await readStatements(p, config, statementDeltas);
    } catch (error) {
      // Query statistics are extra: a permission problem there must not hide the rest.
      const message = (error as Error).message;
      logger.warn('pg_stat_statements could not be read', { target, error: message });
      return { samples: [], info: { pgStatStatements: 'installed', pgStatStatementsError: message, queries: [] } };
    }
  }

  return defineCollector<PostgresConfig>({
    name: 'postgres',
    description: 'The monitored PostgreSQL database: connections, transactions, cache, tables and query performance',
    interval: '15s',
    configSchema,
    metrics,

    init({ config, logger }) {
      // The harness may call init again on a kept-open instance; one pool is enough.
      if (pool) return;
      target = describeTarget(config);
      pool = new pg.Pool(poolConfig(config));
      // An idle connection dropped by the server must not become an unhandled 'error' event.
      pool.on('error', (error) => logger.warn('idle PostgreSQL connection failed', { target, error: error.message }));
      // A connection lost mid-query must fail that query, not the worker.
      pool.on('connect', (client) => client.on('error', () => {}));
    },

    async collect({ config, logger, publishInfo }) {
      if (!pool) throw new Error('postgres collector used before init');
      const p = pool;
      let samples: Sample[];
      try {
        // First on its own: if the server is unreachable, this is the one clear error of the tick.
        const connections = await readConnections(p);
        const [database, tables, queries] = await Promise.all([readDatabaseStats(p, databaseDeltas), readTables(p, config.top_tables), statements(p, config, logger)]);
        samples = [...connections, ...database, ...tables, ...queries.samples];
        publishInfo({ database: target, ...queries.info });
      } catch (error) {
        throw new Error(`PostgreSQL ${target}: ${errorText(error)}`, { cause: error });
      }
      return samples;
    },

    async close() {
      const p = pool;
      pool = undefined;
      await p?.end();
    },
  });
}
