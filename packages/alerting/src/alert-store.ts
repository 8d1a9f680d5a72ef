import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { INACTIVE, formatDuration, renderTemplate, type RuleSpec, type SeriesState, type Step } from '@vigia/core';
import { alertEvents, alertStates, alerts, deliveries, notifications, type Database } from '@vigia/db';
import type { NotificationReason } from '@vigia/plugin-sdk';
import { buildNotification, notificationId } from './notification-payload.ts';

export interface StoredState {
  rule: string;
  seriesKey: string;
  labels: Record<string, string>;
  state: SeriesState;
  version: number;
}

export interface Change {
  rule: RuleSpec;
  metric: string;
  seriesKey: string;
  labels: Record<string, string>;
  /** null when the engine has no row for this series yet. */
  version: number | null;
  prev: SeriesState;
  step: Step;
  value: number | null;
  now: number;
  actor: string;
  comment?: string;
  channels: string[];
  unit?: string;
  /** Sets the episode's severity (raised when a stricter rule on the series joins it, lowered when it leaves). */
  severity?: string;
  /** This rule stops holding the episode but another rule on the series still does: it stays open. */
  keepEpisodeOpen?: boolean;
}

/** What happened, for live subscribers. */
export interface AlertEvent {
  alertId: string;
  type: string;
  rule: string;
  severity: string;
  status: string;
  labels: Record<string, string>;
  value: number | null;
  actor: string;
  comment?: string;
  at: number;
}

const d = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
const ms = (date: Date | null) => (date === null ? undefined : date.getTime());

function rowToState(row: typeof alertStates.$inferSelect): SeriesState {
  return {
    status: row.status,
    pendingSince: ms(row.pendingSince),
    episodeId: row.episodeId ?? undefined,
    firedAt: ms(row.firedAt),
    lastResolvedAt: ms(row.lastResolvedAt),
    clearSince: ms(row.clearSince),
    lastNotifiedAt: ms(row.lastNotifiedAt),
    notifiedState: row.notifiedState,
    repeats: row.repeats,
    notifySeq: row.notifySeq,
    held: (row.held as SeriesState['held']) ?? undefined,
  };
}

function stateColumns(s: SeriesState) {
  return {
    status: s.status,
    pendingSince: d(s.pendingSince),
    episodeId: s.episodeId ?? null,
    firedAt: d(s.firedAt),
    lastResolvedAt: d(s.lastResolvedAt),
    clearSince: d(s.clearSince),
    lastNotifiedAt: d(s.lastNotifiedAt),
    notifiedState: s.notifiedState,
    repeats: s.repeats,
    notifySeq: s.notifySeq,
    held: s.held ?? null,
  };
}

const EPISODE_STATUS = { firing: 'firing', acknowledged: 'acknowledged', inactive: 'resolved', pending: 'resolved' } as const;

/** A short, stable tag for a rule name (part of notification ids). */
function ruleTag(name: string): string {
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(36);
}

/** Thrown when a person and the engine changed the same series at once: the loser retries later. */
export class ConcurrentChange extends Error {}

/** The alert lifecycle in PostgreSQL: engine states, episodes, their timelines, the outbox, the ledger. */
export class AlertStore {
  constructor(
    readonly db: Database,
    private readonly vigiaUrl: string,
  ) {}

  async loadStates(): Promise<Map<string, StoredState>> {
    const rows = await this.db.select().from(alertStates);
    return new Map(rows.map((r) => [`${r.rule}\u0000${r.seriesKey}`, { rule: r.rule, seriesKey: r.seriesKey, labels: r.labels, state: rowToState(r), version: r.version }]));
  }

  async loadState(rule: string, seriesKey: string): Promise<StoredState | undefined> {
    const [r] = await this.db.select().from(alertStates).where(and(eq(alertStates.rule, rule), eq(alertStates.seriesKey, seriesKey)));
    return r ? { rule: r.rule, seriesKey: r.seriesKey, labels: r.labels, state: rowToState(r), version: r.version } : undefined;
  }

  /**
   * Applies one step in one transaction: the engine state, the episode, its events and the
   * notifications it causes (the outbox). Either all of it lands or none.
   */
  async commit(change: Change): Promise<AlertEvent[]> {
    const { step, prev, now, rule } = change;
    const next = step.state;
    return this.db.transaction(async (tx) => {
      const columns = { ...stateColumns(next), labels: change.labels, lastValue: change.value, updatedAt: new Date(now) };
      if (change.version === null) {
        const inserted = await tx.insert(alertStates).values({ rule: rule.name, seriesKey: change.seriesKey, ...columns, version: 1 }).onConflictDoNothing().returning({ v: alertStates.version });
        if (inserted.length === 0) throw new ConcurrentChange();
      } else {
        const updated = await tx
          .update(alertStates)
          .set({ ...columns, version: change.version + 1 })
          .where(and(eq(alertStates.rule, rule.name), eq(alertStates.seriesKey, change.seriesKey), eq(alertStates.version, change.version)))
          .returning({ v: alertStates.version });
        if (updated.length === 0) throw new ConcurrentChange();
      }
      const episodeId = next.episodeId;
      if (!episodeId || step.events.every((e) => e === 'pending')) return [];

      const renderCtx = {
        value: change.value,
        threshold: rule.threshold,
        duration: formatDuration(Math.max(0, now - (prev.pendingSince ?? now))),
        labels: change.labels,
        rule: rule.name,
        metric: change.metric,
        severity: rule.severity,
      };
      if (step.newEpisode) {
        await tx.insert(alerts).values({
          id: episodeId,
          rule: rule.name,
          seriesKey: change.seriesKey,
          metric: change.metric,
          labels: change.labels,
          severity: rule.severity,
          status: 'firing',
          operator: rule.operator,
          threshold: rule.threshold,
          value: change.value,
          peakValue: change.value,
          summary: renderTemplate(rule.annotations.summary ?? `${rule.name}: ${change.metric} is {{ value }} (${rule.operator} {{ threshold }})`, renderCtx),
          description: rule.annotations.description ? renderTemplate(rule.annotations.description, renderCtx) : null,
          runbookUrl: rule.annotations.runbook_url ? renderTemplate(rule.annotations.runbook_url, renderCtx) : null,
          startedAt: new Date(prev.pendingSince ?? now),
        });
      }
      const status = change.keepEpisodeOpen ? EPISODE_STATUS[prev.status] : EPISODE_STATUS[next.status];
      const set: Partial<typeof alerts.$inferInsert> = { status, updatedAt: new Date(now) };
      if (change.severity) set.severity = change.severity;
      if (change.value !== null) {
        set.value = change.value;
        set.peakValue = sql`CASE WHEN ${alerts.peakValue} IS NULL THEN ${change.value} WHEN ${rule.operator === '<' || rule.operator === '<=' ? sql`${change.value}::float8 < ${alerts.peakValue}` : sql`${change.value}::float8 > ${alerts.peakValue}`} THEN ${change.value} ELSE ${alerts.peakValue} END` as never;
      }
      if (step.events.includes('acknowledged')) Object.assign(set, { acknowledgedAt: new Date(now), acknowledgedBy: change.actor });
      if (step.events.includes('unacknowledged')) Object.assign(set, { acknowledgedAt: null, acknowledgedBy: null });
      if (step.events.includes('resolved') && !change.keepEpisodeOpen) Object.assign(set, { resolvedAt: new Date(now), resolvedBy: change.actor });
      if (step.events.includes('reopened')) Object.assign(set, { resolvedAt: null, resolvedBy: null });
      // A severity raised needs a person again, even if the milder alert was acknowledged.
      if (step.events.includes('escalated') && change.severity) Object.assign(set, { acknowledgedAt: null, acknowledgedBy: null });
      const [alert] = await tx.update(alerts).set(set).where(eq(alerts.id, episodeId)).returning();

      const stored = step.events.filter((e) => e !== 'pending');
      if (stored.length) {
        await tx.insert(alertEvents).values(stored.map((type) => ({ alertId: episodeId, at: new Date(now), type, actor: change.actor, value: change.value, comment: change.comment ?? null })));
      }
      if (step.notify && alert) {
        const reason = step.notify as NotificationReason;
        // Two rules can share an episode (a severity raised): each numbers its own messages.
        const seq = alert.rule === rule.name ? next.notifySeq : `${ruleTag(rule.name)}-${next.notifySeq}`;
        const rows = change.channels.map((channel) => ({
          id: notificationId(episodeId, seq, reason, channel),
          alertId: episodeId,
          channel,
          reason,
          payload: buildNotification(alert, reason, seq, channel, { vigiaUrl: this.vigiaUrl, now, unit: change.unit, comment: change.comment }),
          state: 'pending' as const,
        }));
        if (rows.length) await tx.insert(notifications).values(rows).onConflictDoNothing();
      }
      return stored.map((type) => ({
        alertId: episodeId,
        type,
        rule: rule.name,
        severity: alert?.severity ?? rule.severity,
        status,
        labels: change.labels,
        value: change.value,
        actor: change.actor,
        comment: change.comment,
        at: now,
      }));
    });
  }

  /** Forgets resolved series once their flap window has passed (they behave like new ones again). */
  async forgetQuiet(olderThan: number): Promise<void> {
    await this.db
      .delete(alertStates)
      .where(and(eq(alertStates.status, 'inactive'), sql`(${alertStates.lastResolvedAt} IS NULL OR ${alertStates.lastResolvedAt} < ${new Date(olderThan)})`));
  }

  async list(filter: { status?: ('firing' | 'acknowledged' | 'resolved')[]; severity?: string[]; rule?: string; from?: number; to?: number; limit?: number }) {
    const where: SQL[] = [];
    if (filter.status?.length) where.push(inArray(alerts.status, filter.status));
    if (filter.severity?.length) where.push(inArray(alerts.severity, filter.severity));
    if (filter.rule) where.push(eq(alerts.rule, filter.rule));
    if (filter.from !== undefined) where.push(gte(alerts.startedAt, new Date(filter.from)));
    if (filter.to !== undefined) where.push(lte(alerts.startedAt, new Date(filter.to)));
    return this.db
      .select()
      .from(alerts)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(alerts.startedAt))
      .limit(filter.limit ?? 500);
  }

  async get(id: string) {
    const [alert] = await this.db.select().from(alerts).where(eq(alerts.id, id));
    if (!alert) return null;
    const [events, sent, ledger] = await Promise.all([
      this.db.select().from(alertEvents).where(eq(alertEvents.alertId, id)).orderBy(alertEvents.at, alertEvents.id),
      this.db.select().from(notifications).where(eq(notifications.alertId, id)).orderBy(notifications.createdAt),
      this.db.select().from(deliveries).where(eq(deliveries.alertId, id)).orderBy(deliveries.at, deliveries.id),
    ]);
    return { alert, events, notifications: sent.map(({ payload: _payload, ...n }) => n), deliveries: ledger };
  }

  async statesOfEpisode(episodeId: string): Promise<StoredState[]> {
    const rows = await this.db.select().from(alertStates).where(eq(alertStates.episodeId, episodeId));
    return rows.map((r) => ({ rule: r.rule, seriesKey: r.seriesKey, labels: r.labels, state: rowToState(r), version: r.version }));
  }

  async statesOf(rule: string): Promise<StoredState[]> {
    const rows = await this.db.select().from(alertStates).where(eq(alertStates.rule, rule));
    return rows.map((r) => ({ rule: r.rule, seriesKey: r.seriesKey, labels: r.labels, state: rowToState(r), version: r.version }));
  }

  /** Counts of non-resolved episodes by rule, severity and status (for /metrics). */
  async activeCounts(): Promise<{ rule: string; severity: string; status: string; n: number }[]> {
    const rows = await this.db
      .select({ rule: alerts.rule, severity: alerts.severity, status: alerts.status, n: sql<number>`count(*)::int` })
      .from(alerts)
      .where(inArray(alerts.status, ['firing', 'acknowledged']))
      .groupBy(alerts.rule, alerts.severity, alerts.status);
    return rows;
  }
}

export { INACTIVE };
