import { jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * SLOs made in the dashboard or through the API, next to those of monitoring.yaml. `spec` is the
 * SLO as it would be written under `slos:` (objective, window, sli, labels; the name is the row's
 * own column), so the same schema validates both.
 */
export const slos = pgTable('slos', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type StoredSlo = typeof slos.$inferSelect;
