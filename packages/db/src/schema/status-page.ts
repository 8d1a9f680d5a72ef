import type { IncidentStatus } from '@vigia/core';
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type IncidentImpact = 'major' | 'degraded' | 'none';
export type { IncidentStatus };

/**
 * An incident on the public status page: opened by an alert episode on a component's rule or by a
 * person. Everything here but `createdBy` and the linked alerts is shown to the public.
 */
export const statusIncidents = pgTable(
  'status_incidents',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    impact: text('impact').$type<IncidentImpact>().notNull(),
    status: text('status').$type<IncidentStatus>().notNull(),
    /** Names of status page components (status_page.components[].name). */
    components: jsonb('components').$type<string[]>().notNull(),
    /** Opened by alert episodes (closed when they all resolve) rather than by a person. */
    automatic: boolean('automatic').notNull().default(false),
    createdBy: text('created_by').notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('status_incidents_open_idx').on(t.resolvedAt, t.startedAt)],
);

/** The public timeline of an incident. `author` stays internal. */
export const statusIncidentUpdates = pgTable(
  'status_incident_updates',
  {
    id: serial('id').primaryKey(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    at: ts('at').notNull().defaultNow(),
    status: text('status').$type<IncidentStatus>().notNull(),
    message: text('message').notNull(),
    author: text('author').notNull(),
  },
  (t) => [index('status_incident_updates_incident_idx').on(t.incidentId, t.at)],
);

/** Which alert episodes an automatic incident stands for: an episode opens at most one per component. */
export const statusIncidentAlerts = pgTable(
  'status_incident_alerts',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => statusIncidents.id, { onDelete: 'cascade' }),
    alertId: text('alert_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.incidentId] })],
);
