import { boolean, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Probes made in the dashboard or through the API, next to those of monitoring.yaml. `spec` is the
 * probe as it would be written under `probes:` (interval, timeout, labels and one check), so it is
 * validated by the same schema and exports back to YAML unchanged.
 */
export const probes = pgTable('probes', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
  paused: boolean('paused').notNull().default(false),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type StoredProbe = typeof probes.$inferSelect;
