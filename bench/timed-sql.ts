import type { SqlClient } from '@vigia/db';

/**
 * Wraps the store's SqlClient and adds up the time spent waiting on it, so an ingest figure can
 * be split into PostgreSQL (plus the driver's encoding) and the JavaScript around it.
 */
export class TimedSql implements SqlClient {
  waitedMs = 0;
  statements = 0;

  constructor(private readonly inner: SqlClient) {}

  async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const started = performance.now();
    try {
      return await this.inner.query<T>(text, params);
    } finally {
      this.waitedMs += performance.now() - started;
      this.statements++;
    }
  }

  reset(): void {
    this.waitedMs = 0;
    this.statements = 0;
  }
}
