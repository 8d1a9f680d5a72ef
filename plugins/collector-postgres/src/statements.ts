import type { Pool } from 'pg';
import type { Sample } from '@vigia/plugin-sdk';
import { OWN_QUERY_MARK, type PostgresConfig } from './config.ts';
import type { CounterDeltas } from './deltas.ts';
import { round } from './round.ts';

export const PG_STAT_STATEMENTS_FIX =
  'add pg_stat_statements to shared_preload_libraries in postgresql.conf (restart PostgreSQL), then run CREATE EXTENSION pg_stat_statements; in the monitored database';

export type StatementCounter = 'calls' | 'time';

export interface TopQuery {
  query: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
}

export interface StatementsReading {
  samples: Sample[];
  info: Record<string, unknown>;
}

const QUERY_TEXT_LIMIT = 200;

const notInstalled = (reason: string): StatementsReading => ({
  samples: [],
  info: { pgStatStatements: 'not installed', pgStatStatementsReason: reason, pgStatStatementsFix: PG_STAT_STATEMENTS_FIX, queries: [] },
});

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

export function shortenQuery(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUERY_TEXT_LIMIT ? `${flat.slice(0, QUERY_TEXT_LIMIT - 1)}…` : flat;
}

interface Row {
  at: number;
  reset: string | null;
  calls: string;
  time: number;
  slow: number;
  top: { query: string; calls: number; total: number; mean: number }[];
}

/**
 * Query performance of the connected database from pg_stat_statements, this collector's own
 * statements left out. Missing or unloaded extension is a normal state, reported through info.
 */
export async function readStatements(pool: Pool, config: PostgresConfig, deltas: CounterDeltas<StatementCounter>): Promise<StatementsReading> {
  const ext = await pool.query<{ schema: string; version: string }>(
    `${OWN_QUERY_MARK}
     SELECT n.nspname AS schema, e.extversion AS version
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_stat_statements'`,
  );
  const found = ext.rows[0];
  if (!found) return notInstalled('the extension is not created in this database');

  const view = `${quoteIdent(found.schema)}.pg_stat_statements`;
  // 1.8 (PostgreSQL 13) split planning from execution time and renamed the columns.
  const [total, mean] = atLeast(found.version, 1, 8) ? ['total_exec_time', 'mean_exec_time'] : ['total_time', 'mean_time'];
  const reset = atLeast(found.version, 1, 9) ? `(SELECT stats_reset::text FROM ${quoteIdent(found.schema)}.pg_stat_statements_info)` : 'NULL';
  let row: Row;
  try {
    const result = await pool.query<Row>(
      `${OWN_QUERY_MARK}
       WITH s AS (
         SELECT query, calls, ${total} AS total, ${mean} AS mean
           FROM ${view}
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND query NOT LIKE '${OWN_QUERY_MARK}%'
       )
       SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at, ${reset} AS reset,
              (SELECT coalesce(sum(calls), 0) FROM s) AS calls,
              (SELECT coalesce(sum(total), 0) FROM s)::float8 AS time,
              (SELECT count(*) FROM s WHERE mean > $1)::int AS slow,
              (SELECT coalesce(json_agg(t), '[]') FROM (SELECT query, calls, total, mean FROM s ORDER BY total DESC LIMIT $2) t) AS top`,
      [config.slow_query_ms, config.top_queries],
    );
    row = result.rows[0]!;
  } catch (error) {
    // 55000: the extension exists in the catalog but the library was never preloaded.
    if ((error as { code?: string }).code === '55000') return notInstalled('the extension is created but pg_stat_statements is not in shared_preload_libraries');
    throw error;
  }

  const samples: Sample[] = [{ name: 'db_slow_queries', value: row.slow }];
  const change = deltas.advance(Number(row.at), row.reset ?? '', { calls: Number(row.calls), time: row.time });
  if (change && change.delta.calls !== null && change.delta.time !== null && change.delta.calls > 0) {
    samples.push({ name: 'db_avg_query_time_ms', value: round(change.delta.time / change.delta.calls, 3), unit: 'ms' });
  }
  const queries: TopQuery[] = row.top.map((q) => ({
    query: shortenQuery(q.query ?? ''),
    calls: Number(q.calls),
    total_ms: round(q.total, 3),
    mean_ms: round(q.mean, 3),
  }));
  return { samples, info: { pgStatStatements: 'installed', pgStatStatementsVersion: found.version, queries } };
}
