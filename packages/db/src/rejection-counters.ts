import type { SqlClient } from './client.ts';

// Reasons come from plugins too; a runaway one must not become an unbounded label value.
const MAX_REASON_LENGTH = 64;
// How long a refused request waits for its count to be written: a PostgreSQL that does not answer
// must not hold up the answer to the sender (the count is written when it does answer).
const RECORD_WAIT_MS = 2_000;

/**
 * vigia_ingest_rejected_total, by reason, shared by every process and kept in PostgreSQL, so a
 * Redis restart does not reset a counter Prometheus reads as monotonic. Each refused request or
 * batch is one statement; when PostgreSQL is away the counts wait in memory and are added later,
 * and the request that was refused is answered all the same.
 */
export class RejectionCounters {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sql: SqlClient,
    private readonly onError: (error: Error) => void = () => {},
    retryEveryMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.flush(), retryEveryMs);
    this.timer.unref();
  }

  /** Adds these counts (reason → n) and writes them, waiting at most a moment; never throws. */
  async record(counts: Iterable<[string, number]>): Promise<void> {
    for (const [reason, n] of counts) {
      if (n <= 0) continue;
      const key = reason.slice(0, MAX_REASON_LENGTH);
      this.pending.set(key, (this.pending.get(key) ?? 0) + n);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, RECORD_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.sql.query(
        `INSERT INTO ingest_rejections (reason, total) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (reason) DO UPDATE SET total = ingest_rejections.total + excluded.total`,
        [[...batch.keys()], [...batch.values()]],
      );
    } catch (error) {
      for (const [reason, n] of batch) this.pending.set(reason, (this.pending.get(reason) ?? 0) + n);
      this.onError(error as Error);
    }
  }

  /** Totals by reason as PostgreSQL holds them (what every process reads alike). */
  async totals(): Promise<Map<string, number>> {
    const { rows } = await this.sql.query<{ reason: string; total: number }>('SELECT reason, total::float8 AS total FROM ingest_rejections');
    return new Map(rows.map((r) => [r.reason, Number(r.total)]));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
