import pg from 'pg';
import type { ProbeCheck, ProbeOutcome } from '../spec.ts';

/** A real login and one query, on a connection of its own that is closed after. */
export async function checkPostgres(check: Extract<ProbeCheck, { type: 'postgres' }>, signal: AbortSignal, timeoutMs: number): Promise<ProbeOutcome> {
  const client = new pg.Client({ connectionString: check.url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'vigia-probe' });
  // A server that drops the connection later would otherwise be an unhandled 'error' event.
  client.on('error', () => {});
  const abort = () => void client.end().catch(() => {});
  signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    await client.query(check.query);
    return { ok: true };
  } finally {
    signal.removeEventListener('abort', abort);
    await client.end().catch(() => {});
  }
}
