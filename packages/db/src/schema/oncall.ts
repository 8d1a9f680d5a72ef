import { index, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

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

/**
 * A person escalation steps can page, added from the dashboard or API (monitoring.yaml's
 * `oncall.users` are read-only there): contact methods as `oncall.users.<name>` writes them
 * (email, slack, phone, telegram, ntfy, pushover) and notification rules ({ afterMs, channel }).
 */
export const oncallUsers = pgTable('oncall_users', {
  name: text('name').primaryKey(),
  contacts: jsonb('contacts').$type<Record<string, string>>().notNull(),
  rules: jsonb('rules').$type<{ afterMs: number; channel: string }[]>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * A schedule added from the dashboard or API: its layers as `oncall.schedules.<name>.layers` writes
 * them (validated by @vigia/config before they are stored). Its overrides are rows of oncall_overrides.
 */
export const oncallSchedules = pgTable('oncall_schedules', {
  name: text('name').primaryKey(),
  timeZone: text('time_zone').notNull(),
  layers: jsonb('layers').$type<StoredLayer[]>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** A layer as monitoring.yaml writes it. */
export interface StoredLayer {
  rotation: 'daily' | 'weekly' | 'custom';
  length?: string | number;
  handoff: string;
  time_zone?: string;
  participants: string[];
  start: string;
  end?: string;
}
