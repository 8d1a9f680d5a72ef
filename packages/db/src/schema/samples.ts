import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** One row per series (metric name + labels); samples refer to it by id to stay narrow. */
export const series = pgTable(
  'series',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull().unique(),
    name: text('name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    unit: text('unit'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('series_name_idx').on(t.name)],
);

export const samplesRaw = pgTable(
  'samples_raw',
  {
    seriesId: integer('series_id').notNull(),
    ts: timestamp('ts', { withTimezone: true, mode: 'date' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.ts] })],
);

function rollupTable(name: string) {
  return pgTable(
    name,
    {
      seriesId: integer('series_id').notNull(),
      bucket: timestamp('bucket', { withTimezone: true, mode: 'date' }).notNull(),
      min: doublePrecision('min').notNull(),
      max: doublePrecision('max').notNull(),
      sum: doublePrecision('sum').notNull(),
      count: integer('count').notNull(),
    },
    (t) => [primaryKey({ columns: [t.seriesId, t.bucket] })],
  );
}

export const samples1m = rollupTable('samples_1m');
export const samples1h = rollupTable('samples_1h');

/**
 * Ingest stream entries already written to history, recorded in the transaction that wrote them:
 * a batch written again after a crash between commit and stream ack is recognised and skipped, so
 * the raw rows can go in without ON CONFLICT. Only the window between a commit and the ack needs
 * covering; HistoryStore.enforceRetention forgets rows older than a day.
 */
export const historyBatches = pgTable('history_batches', {
  id: text('id').primaryKey(),
  writtenAt: timestamp('written_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
