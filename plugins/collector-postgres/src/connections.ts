import type { Pool } from 'pg';
import type { Sample } from '@vigia/plugin-sdk';
import { OWN_QUERY_MARK } from './config.ts';
import { round } from './round.ts';

// Charted even at zero for the monitored database, so its series do not come and go.
const USUAL_STATES = ['active', 'idle', 'idle_in_transaction'];

/** `idle in transaction (aborted)` → `idle_in_transaction_aborted`; a hidden state → `unknown`. */
export function stateLabel(state: string | null): string {
  if (!state) return 'unknown';
  return (
    state
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'unknown'
  );
}

/**
 * Client connections of the whole server by database and state (background workers left out),
 * and their share of max_connections, which is a server-wide limit.
 */
export async function readConnections(pool: Pool): Promise<Sample[]> {
  const { rows } = await pool.query<{ database: string | null; state: string | null; count: number; max: number; current: string }>(
    `${OWN_QUERY_MARK}
     SELECT a.datname AS database, a.state, count(*)::int AS count,
            current_setting('max_connections')::int AS max, current_database() AS current
       FROM pg_stat_activity a
      WHERE a.backend_type = 'client backend'
      GROUP BY a.datname, a.state`,
  );
  // Never empty: the connection running this query is a client backend itself.
  const settings = rows[0]!;
  const counts = new Map<string, number>();
  const keyOf = (database: string, state: string) => `${database}\u0000${state}`;
  for (const s of USUAL_STATES) counts.set(keyOf(settings.current, s), 0);
  let total = 0;
  for (const row of rows) {
    const key = keyOf(row.database ?? '', stateLabel(row.state));
    counts.set(key, (counts.get(key) ?? 0) + row.count);
    total += row.count;
  }
  const samples: Sample[] = [];
  for (const [key, value] of counts) {
    const [database, state] = key.split('\u0000') as [string, string];
    samples.push({ name: 'db_connections', value, labels: { database, state } });
  }
  samples.push({ name: 'db_connections_max', value: settings.max }, { name: 'db_connection_usage', value: settings.max > 0 ? round((total / settings.max) * 100) : 0, unit: '%' });
  return samples;
}
