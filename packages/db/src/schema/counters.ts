import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Samples and requests refused at ingestion, by reason (vigia_ingest_rejected_total). Kept here
 * rather than in Redis so a Redis restart does not reset a counter Prometheus reads as monotonic.
 */
export const ingestRejections = pgTable('ingest_rejections', {
  reason: text('reason').primaryKey(),
  total: bigint('total', { mode: 'number' }).notNull().default(0),
});
