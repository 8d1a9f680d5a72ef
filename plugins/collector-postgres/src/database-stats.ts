import type { Pool } from 'pg';
import type { Sample } from '@vigia/plugin-sdk';
import { OWN_QUERY_MARK } from './config.ts';
import type { CounterDeltas } from './deltas.ts';
import { round } from './round.ts';

export type DatabaseCounter = 'xacts' | 'hits' | 'reads';

interface Row {
  at: number;
  stats_reset: string | null;
  xacts: string;
  hits: string;
  reads: string;
  deadlocks: string;
  size: string;
}

/** Transaction rate and cache hit rate over the interval, deadlocks and size of the connected database. */
export async function readDatabaseStats(pool: Pool, deltas: CounterDeltas<DatabaseCounter>): Promise<Sample[]> {
  const { rows } = await pool.query<Row>(
    `${OWN_QUERY_MARK}
     SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at, stats_reset::text,
            xact_commit + xact_rollback AS xacts, blks_hit AS hits, blks_read AS reads, deadlocks,
            pg_database_size(datid) AS size
       FROM pg_stat_database
      WHERE datname = current_database()`,
  );
  const row = rows[0];
  if (!row) return [];
  const samples: Sample[] = [
    { name: 'db_deadlocks_total', value: Number(row.deadlocks) },
    { name: 'db_size_bytes', value: Number(row.size), unit: 'bytes' },
  ];
  const change = deltas.advance(Number(row.at), row.stats_reset ?? '', { xacts: Number(row.xacts), hits: Number(row.hits), reads: Number(row.reads) });
  if (!change) return samples;
  const { xacts, hits, reads } = change.delta;
  if (xacts !== null) samples.push({ name: 'db_transactions_per_sec', value: round(xacts / change.seconds), unit: '1/s' });
  if (hits !== null && reads !== null && hits + reads > 0) {
    samples.push({ name: 'db_cache_hit_rate', value: round((hits / (hits + reads)) * 100), unit: '%' });
  }
  return samples;
}
