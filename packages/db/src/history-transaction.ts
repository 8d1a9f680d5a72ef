import type { Writable } from 'node:stream';
import type { SqlClient } from './client.ts';
import { copyRawRows, type CopyCapableClient, type RawColumns } from './sample-copy.ts';

/** A transaction's connection: SQL, and COPY where the driver has it. */
export interface WriteTx {
  query: SqlClient['query'];
  copy?: (rows: RawColumns) => Promise<number>;
}
export type Transact = <T>(work: (tx: WriteTx) => Promise<T>) => Promise<T>;

interface PooledClient extends CopyCapableClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  query(submittable: Writable): Writable;
  release(destroy?: Error | boolean): void;
}

/**
 * How to run a transaction on this client: PGlite has `transaction` (which also keeps other
 * callers' queries out of it), a pg Pool lends a connection of its own. Anything else (a plain
 * SqlClient wrapper) gets none, and inserts use the single ON CONFLICT statement.
 */
export function transactionsOf(sql: SqlClient): Transact | undefined {
  const client = sql as unknown as { transaction?: unknown; connect?: unknown };
  if (typeof client.transaction === 'function') {
    const lite = sql as unknown as { transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> };
    return (work) => lite.transaction((tx) => work({ query: (text, params) => tx.query(text, params) }));
  }
  if (typeof client.connect === 'function') {
    const pool = sql as unknown as { connect(): Promise<PooledClient> };
    return async (work) => {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const result = await work({ query: (text, params) => connection.query(text, params), copy: (rows) => copyRawRows(connection, rows) });
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back goes back to the pool destroyed.
        await connection.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        connection.release(broken);
      }
    };
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';
