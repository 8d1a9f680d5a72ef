import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { AlertNotification } from '@vigia/core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The engine's memory per rule and series (pending countdowns, the current episode, what
 * receivers were told). `version` guards against a person and the engine changing it at once.
 */
export const alertStates = pgTable(
  'alert_states',
  {
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    status: text('status').$type<'inactive' | 'pending' | 'firing' | 'acknowledged'>().notNull(),
    pendingSince: ts('pending_since'),
    episodeId: text('episode_id'),
    firedAt: ts('fired_at'),
    lastResolvedAt: ts('last_resolved_at'),
    clearSince: ts('clear_since'),
    lastNotifiedAt: ts('last_notified_at'),
    notifiedState: text('notified_state').$type<'none' | 'firing' | 'resolved'>().notNull(),
    repeats: integer('repeats').notNull().default(0),
    notifySeq: integer('notify_seq').notNull().default(0),
    lastValue: doublePrecision('last_value'),
    held: text('held'),
    version: integer('version').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.rule, t.seriesKey] })],
);

/** One row per episode: what people see, acknowledge and resolve. */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    rule: text('rule').notNull(),
    seriesKey: text('series_key').notNull(),
    metric: text('metric').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    severity: text('severity').notNull(),
    status: text('status').$type<'firing' | 'acknowledged' | 'resolved'>().notNull(),
    operator: text('operator').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    value: doublePrecision('value'),
    peakValue: doublePrecision('peak_value'),
    summary: text('summary').notNull(),
    description: text('description'),
    runbookUrl: text('runbook_url'),
    startedAt: ts('started_at').notNull(),
    acknowledgedAt: ts('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: ts('resolved_at'),
    resolvedBy: text('resolved_by'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('alerts_status_idx').on(t.status, t.startedAt), index('alerts_rule_idx').on(t.rule, t.startedAt)],
);

/** Every transition of an alert: who, when, the value, a comment. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: serial('id').primaryKey(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    value: doublePrecision('value'),
    comment: text('comment'),
  },
  (t) => [index('alert_events_alert_idx').on(t.alertId, t.at)],
);

/**
 * The transactional outbox: a notification is written in the same transaction as the
 * transition that caused it, then handed to the delivery queue. Its id is the delivery job id.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    reason: text('reason').notNull(),
    payload: jsonb('payload').$type<AlertNotification>().notNull(),
    state: text('state').$type<'pending' | 'enqueued' | 'delivered' | 'failed'>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    enqueuedAt: ts('enqueued_at'),
    finishedAt: ts('finished_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('notifications_state_idx').on(t.state, t.createdAt), index('notifications_alert_idx').on(t.alertId)],
);

/** The delivery ledger: every attempt, its outcome, error and timing. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: serial('id').primaryKey(),
    notificationId: text('notification_id').notNull(),
    alertId: text('alert_id').notNull(),
    channel: text('channel').notNull(),
    /** For channels delivered one recipient at a time (email). */
    recipient: text('recipient'),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').$type<'delivered' | 'retryable' | 'permanent'>().notNull(),
    error: text('error'),
    /** What the receiver answered for a delivered message (SMTP id, Slack channel|ts…). */
    externalId: text('external_id'),
    durationMs: doublePrecision('duration_ms').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('deliveries_notification_idx').on(t.notificationId), index('deliveries_alert_idx').on(t.alertId, t.at)],
);

export interface Matchers {
  /** Only alerts of this rule (all rules when absent). */
  rule?: string;
  /** Only series carrying every one of these labels. */
  labels: Record<string, string>;
}

/** A silence: matching alerts are still recorded and shown, but send nothing until it ends. */
export const silences = pgTable(
  'silences',
  {
    id: serial('id').primaryKey(),
    matchers: jsonb('matchers').$type<Matchers>().notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    createdBy: text('created_by').notNull(),
    comment: text('comment').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    endedAt: ts('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [index('silences_ends_idx').on(t.endsAt)],
);

export interface WindowSchedule {
  every: 'daily' | 'weekly' | 'cron';
  /** HH:MM, for daily and weekly. */
  at?: string;
  /** sun … sat, for weekly. */
  days?: string[];
  /** Five-field cron expression, for cron. */
  cron?: string;
  durationMs: number;
  timezone: string;
}

/** A recurring maintenance window created through the API (those of monitoring.yaml live there). */
export const maintenanceWindows = pgTable('maintenance_windows', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  schedule: jsonb('schedule').$type<WindowSchedule>().notNull(),
  matchers: jsonb('matchers').$type<Matchers>().notNull(),
  comment: text('comment'),
  createdBy: text('created_by').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Every human action (acknowledge, resolve, silence, edit…), with who and when. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: serial('id').primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_events_target_idx').on(t.targetType, t.targetId), index('audit_events_at_idx').on(t.at)],
);
