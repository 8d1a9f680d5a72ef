import { index, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * "ana covers bruno Saturday 09:00-18:00", added from the dashboard or API to a schedule of
 * monitoring.yaml: wins over its layers (and over the file's own overrides) within [starts_at, ends_at).
 */
export const oncallOverrides = pgTable(
  'oncall_overrides',
  {
    id: serial('id').primaryKey(),
    schedule: text('schedule').notNull(),
    user: text('user').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    comment: text('comment'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('oncall_overrides_schedule_idx').on(t.schedule, t.endsAt)],
);
