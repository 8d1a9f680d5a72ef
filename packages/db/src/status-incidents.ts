import { and, desc, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import type { Impact, OpenAutomaticIncident } from '@vigia/core';
import type { Database } from './client.ts';
import { alerts } from './schema/alerts.ts';
import { statusIncidentAlerts, statusIncidents, statusIncidentUpdates, type IncidentImpact, type IncidentStatus } from './schema/status-page.ts';

export type StatusIncidentRow = typeof statusIncidents.$inferSelect;
export type StatusUpdateRow = typeof statusIncidentUpdates.$inferSelect;
export interface IncidentWithUpdates extends StatusIncidentRow {
  /** Newest first. */
  updates: StatusUpdateRow[];
}

export interface NewIncident {
  title: string;
  impact: IncidentImpact;
  components: string[];
  automatic: boolean;
  createdBy: string;
  status?: IncidentStatus;
  message: string;
  alertIds?: string[];
  at?: Date;
}

/** Thrown for an update the incident cannot take (unknown, or closed already). */
export class IncidentError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT',
  ) {
    super(message);
  }
}

/** Status page incidents and their public timelines, in PostgreSQL. */
export class StatusIncidents {
  constructor(private readonly db: Database) {}

  /** Episodes firing or acknowledged now: what can hold an incident open. */
  activeAlerts() {
    return this.db
      .select({ id: alerts.id, rule: alerts.rule, labels: alerts.labels, severity: alerts.severity })
      .from(alerts)
      .where(or(eq(alerts.status, 'firing'), eq(alerts.status, 'acknowledged')));
  }

  async openAutomatic(): Promise<OpenAutomaticIncident[]> {
    const rows = await this.db
      .select({ id: statusIncidents.id, components: statusIncidents.components, impact: statusIncidents.impact, alertId: statusIncidentAlerts.alertId })
      .from(statusIncidents)
      .leftJoin(statusIncidentAlerts, eq(statusIncidentAlerts.incidentId, statusIncidents.id))
      .where(and(eq(statusIncidents.automatic, true), isNull(statusIncidents.resolvedAt)));
    const byId = new Map<number, OpenAutomaticIncident>();
    for (const r of rows) {
      const incident = byId.get(r.id) ?? { id: r.id, component: r.components[0] ?? '', impact: r.impact === 'major' ? 'major' : 'degraded', alertIds: [] };
      if (r.alertId) incident.alertIds.push(r.alertId);
      byId.set(r.id, incident);
    }
    return [...byId.values()];
  }

  /** `<alert id>|<component>` for every link these episodes have, open or resolved. */
  async linkedKeys(alertIds: string[]): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const rows = await this.db
      .select({ alertId: statusIncidentAlerts.alertId, components: statusIncidents.components })
      .from(statusIncidentAlerts)
      .innerJoin(statusIncidents, eq(statusIncidents.id, statusIncidentAlerts.incidentId))
      .where(inArray(statusIncidentAlerts.alertId, alertIds));
    return new Set(rows.flatMap((r) => r.components.map((c) => `${r.alertId}|${c}`)));
  }

  async open(incident: NewIncident): Promise<StatusIncidentRow> {
    const at = incident.at ?? new Date();
    const status = incident.status ?? 'investigating';
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(statusIncidents)
        .values({ title: incident.title, impact: incident.impact, status, components: incident.components, automatic: incident.automatic, createdBy: incident.createdBy, startedAt: at, updatedAt: at })
        .returning();
      await tx.insert(statusIncidentUpdates).values({ incidentId: row!.id, at, status, message: incident.message, author: incident.createdBy });
      if (incident.alertIds?.length)
        await tx
          .insert(statusIncidentAlerts)
          .values(incident.alertIds.map((alertId) => ({ incidentId: row!.id, alertId })))
          .onConflictDoNothing();
      return row!;
    });
  }

  /** Links more episodes to an open automatic incident, raising its impact when they are worse. */
  async extend(incidentId: number, alertIds: string[], impact: Impact, title?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(statusIncidentAlerts)
        .values(alertIds.map((alertId) => ({ incidentId, alertId })))
        .onConflictDoNothing();
      await tx
        .update(statusIncidents)
        .set({ impact, ...(title ? { title } : {}), updatedAt: new Date() })
        .where(eq(statusIncidents.id, incidentId));
    });
  }

  /** Adds to the timeline; a `resolved` update closes the incident. */
  async postUpdate(incidentId: number, update: { status: IncidentStatus; message: string; author: string; at?: Date }): Promise<StatusUpdateRow> {
    const at = update.at ?? new Date();
    return this.db.transaction(async (tx) => {
      const [incident] = await tx.select().from(statusIncidents).where(eq(statusIncidents.id, incidentId)).for('update');
      if (!incident) throw new IncidentError(`no incident ${incidentId}`, 'NOT_FOUND');
      if (incident.resolvedAt) throw new IncidentError(`incident ${incidentId} is resolved already`, 'CONFLICT');
      const [row] = await tx.insert(statusIncidentUpdates).values({ incidentId, at, status: update.status, message: update.message, author: update.author }).returning();
      await tx
        .update(statusIncidents)
        .set({ status: update.status, updatedAt: at, resolvedAt: update.status === 'resolved' ? at : null })
        .where(eq(statusIncidents.id, incidentId));
      return row!;
    });
  }

  /** Open incidents and those resolved since `resolvedSince`, newest first, with their updates. */
  async list(resolvedSince: Date, limit = 100): Promise<IncidentWithUpdates[]> {
    const incidents = await this.db
      .select()
      .from(statusIncidents)
      .where(or(isNull(statusIncidents.resolvedAt), gte(statusIncidents.resolvedAt, resolvedSince)))
      .orderBy(desc(statusIncidents.startedAt))
      .limit(limit);
    if (incidents.length === 0) return [];
    const updates = await this.db
      .select()
      .from(statusIncidentUpdates)
      .where(
        inArray(
          statusIncidentUpdates.incidentId,
          incidents.map((i) => i.id),
        ),
      )
      .orderBy(desc(statusIncidentUpdates.at), desc(statusIncidentUpdates.id));
    return incidents.map((i) => ({ ...i, updates: updates.filter((u) => u.incidentId === i.id) }));
  }

  async get(incidentId: number): Promise<StatusIncidentRow | undefined> {
    const [row] = await this.db.select().from(statusIncidents).where(eq(statusIncidents.id, incidentId));
    return row;
  }
}
