import { and, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { INACTIVE, type SeriesState } from '@vigia/core';
import { alertEvents, alertStates, alerts, deliveries, notifications, type Database } from '@vigia/db';
import type { AlertEvent, Change } from './alert-change.ts';
import { independentGroups, writeChanges } from './change-writer.ts';

// The change and event shapes live apart so change-writer can use them without importing the store.
export type { AlertEvent, Change } from './alert-change.ts';

export interface StoredState {
  rule: string;
  seriesKey: string;
  labels: Record<string, string>;
  state: SeriesState;
  version: number;
}

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
    const [r] = await this.db
      .select()
      .from(alertStates)
      .where(and(eq(alertStates.rule, rule), eq(alertStates.seriesKey, seriesKey)));
    return r ? { rule: r.rule, seriesKey: r.seriesKey, labels: r.labels, state: rowToState(r), version: r.version } : undefined;
  }

  /**
   * Applies one step in one transaction: the engine state, the episode, its events and the
   * notifications it causes (the outbox). Either all of it lands or none; a state that moved
   * since it was read throws ConcurrentChange.
   */
  async commit(change: Change): Promise<AlertEvent[]> {
    return this.commitAll([change]);
  }

  /** Several steps, all or none: ConcurrentChange if any of their states moved since it was read. */
  async commitAll(changes: Change[]): Promise<AlertEvent[]> {
    return this.db.transaction(async (tx) => {
      const events: AlertEvent[] = [];
      for (const group of independentGroups(changes)) {
        const written = await writeChanges(tx, group, this.vigiaUrl);
        if (written.conflicts.length) throw new ConcurrentChange();
        events.push(...written.events);
      }
      return events;
    });
  }

  /**
   * The engine's changes of one tick, a group of independent changes per transaction: a few
   * multi-row statements and one disk flush for up to a thousand transitions, instead of a
   * transaction each. A change that lost a race is skipped (returned in `conflicts`) and the
   * rest land; the next tick sees the state as it is now.
   */
  async commitMany(changes: Change[], onCommitted?: () => void): Promise<{ events: AlertEvent[]; applied: number; conflicts: Change[] }> {
    const events: AlertEvent[] = [];
    const conflicts: Change[] = [];
    let applied = 0;
    for (const group of independentGroups(changes)) {
      const written = await this.db.transaction((tx) => writeChanges(tx, group, this.vigiaUrl));
      events.push(...written.events);
      conflicts.push(...written.conflicts);
      applied += group.length - written.conflicts.length;
      onCommitted?.();
    }
    return { events, applied, conflicts };
  }

  /** Forgets resolved series once their flap window has passed (they behave like new ones again). */
  async forgetQuiet(olderThan: number): Promise<void> {
    await this.db.delete(alertStates).where(and(eq(alertStates.status, 'inactive'), sql`(${alertStates.lastResolvedAt} IS NULL OR ${alertStates.lastResolvedAt} < ${new Date(olderThan)})`));
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
    // One snapshot for the four reads: a delivery records its ledger row and the notification's
    // state in one statement, and separate reads could show the row without the state.
    return this.db.transaction(
      async (tx) => {
        const [alert] = await tx.select().from(alerts).where(eq(alerts.id, id));
        if (!alert) return null;
        const events = await tx.select().from(alertEvents).where(eq(alertEvents.alertId, id)).orderBy(alertEvents.at, alertEvents.id);
        const sent = await tx.select().from(notifications).where(eq(notifications.alertId, id)).orderBy(notifications.createdAt);
        const ledger = await tx.select().from(deliveries).where(eq(deliveries.alertId, id)).orderBy(deliveries.at, deliveries.id);
        return { alert, events, notifications: sent.map(({ payload: _payload, ...n }) => n), deliveries: ledger };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
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
