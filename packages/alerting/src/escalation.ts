import type { Queue } from 'bullmq';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, notifications, type Database } from '@vigia/db';
import { QUEUES, type EscalatePayload } from '@vigia/live';
import type { AlertEvent, AlertStore } from './alert-store.ts';
import { buildNotification, notificationId } from './notification-payload.ts';

const jobId = (alertId: string, step: number) => `${alertId}.esc.${step}`;
/** How a step's event names the step (a step is taken once: this is how it is found again). */
const stepMarker = (step: number) => `: step ${step + 1} notifies `;

/**
 * Escalation policies (alerts.escalation): when an alert of a severity starts firing, one delayed
 * job per step; an acknowledgement or resolution removes the steps still waiting. A step that
 * runs anyway (the removal raced it) checks the alert again and does nothing if it was handled.
 */
export class Escalations {
  constructor(
    private readonly queue: Queue<EscalatePayload>,
    private readonly config: VigiaConfig,
  ) {}

  private steps(severity: string) {
    return this.config.alerts.escalation[severity as keyof VigiaConfig['alerts']['escalation']] ?? [];
  }

  private job(alertId: string, step: number, delay: number) {
    return { name: 'escalate', data: { alertId, step }, opts: { ...QUEUES.escalate.jobOptions, delay, jobId: jobId(alertId, step) } };
  }

  /**
   * Puts back the steps still to come for every alert firing unacknowledged, from PostgreSQL: a
   * Redis that restarted empty lost the delayed jobs. Steps already taken are left out; job ids
   * make it harmless where the jobs were not lost. Returns how many steps it handed to the queue.
   */
  async restore(db: Database, now = Date.now()): Promise<number> {
    const severities = Object.keys(this.config.alerts.escalation).filter((s) => this.steps(s).length);
    if (!severities.length) return 0;
    const open = await db
      .select({
        id: alerts.id,
        severity: alerts.severity,
        firedAt: sql<string | null>`(SELECT min(e.at) FROM alert_events e WHERE e.alert_id = alerts.id AND e.type = 'firing')`,
        taken: sql<string[]>`(SELECT coalesce(array_agg(e.comment), '{}') FROM alert_events e WHERE e.alert_id = alerts.id AND e.type = 'escalated' AND e.comment IS NOT NULL)`,
      })
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), inArray(alerts.severity, severities)));
    const jobs = open.flatMap((a) => {
      const firedAt = a.firedAt ? new Date(a.firedAt).getTime() : now;
      return this.steps(a.severity)
        .map((s, step) => ({ step, due: firedAt + s.after }))
        .filter(({ step }) => !a.taken.some((comment) => comment.includes(stepMarker(step))))
        .map(({ step, due }) => this.job(a.id, step, Math.max(0, due - now)));
    });
    if (jobs.length) await this.queue.addBulk(jobs);
    return jobs.length;
  }

  async cancel(alertId: string, severity: string): Promise<void> {
    await Promise.all(this.steps(severity).map((_, step) => this.queue.remove(jobId(alertId, step)).catch(() => 0)));
  }

  /** Keeps the policies in step with what happened: new episodes scheduled, handled ones cancelled. */
  async follow(events: AlertEvent[]): Promise<void> {
    // One round trip for a tick that opened thousands of alerts, not one each.
    const jobs = events.filter((e) => e.type === 'firing').flatMap((e) => this.steps(e.severity).map((s, step) => this.job(e.alertId, step, s.after)));
    if (jobs.length) await this.queue.addBulk(jobs);
    await Promise.all(events.filter((e) => e.type === 'acknowledged' || e.type === 'resolved').map((e) => this.cancel(e.alertId, e.severity)));
  }
}

/** Runs one escalation step: still firing and unacknowledged? then notify the step's channels. */
export async function runEscalationStep(db: Database, store: AlertStore, config: VigiaConfig, payload: EscalatePayload, now = Date.now()): Promise<AlertEvent[]> {
  const found = await store.get(payload.alertId);
  if (!found || found.alert.status !== 'firing') return [];
  const { alert } = found;
  const step = config.alerts.escalation[alert.severity as keyof VigiaConfig['alerts']['escalation']]?.[payload.step];
  if (!step) return [];
  const channels = step.channels.filter((c) => config.channels[c] && config.channels[c]!.enabled !== false);
  const seq = `esc${payload.step + 1}`;
  const comment = `unacknowledged after ${Math.round(step.after / 1000)} s${stepMarker(payload.step)}${channels.join(', ') || 'no enabled channel'}`;
  const taken = await db.transaction(async (tx) => {
    // Checked again inside the transaction, under the alert's row lock: an acknowledgement that
    // just landed wins, and a step restored after a Redis restart is not taken twice.
    const [current] = await tx.select({ status: alerts.status }).from(alerts).where(and(eq(alerts.id, alert.id), eq(alerts.status, 'firing'))).for('update');
    if (!current) return false;
    const [done] = await tx
      .select({ id: alertEvents.id })
      .from(alertEvents)
      .where(and(eq(alertEvents.alertId, alert.id), eq(alertEvents.type, 'escalated'), like(alertEvents.comment, `%${stepMarker(payload.step)}%`)));
    if (done) return false;
    await tx.insert(alertEvents).values({ alertId: alert.id, at: new Date(now), type: 'escalated', actor: 'vigia', value: alert.value, comment });
    if (channels.length) {
      await tx
        .insert(notifications)
        .values(
          channels.map((channel) => ({
            id: notificationId(alert.id, seq, 'escalated', channel),
            alertId: alert.id,
            channel,
            reason: 'escalated',
            payload: buildNotification(alert, 'escalated', seq, channel, { vigiaUrl: config.server.publicUrl, now, comment }),
            state: 'pending' as const,
          })),
        )
        .onConflictDoNothing();
    }
    return true;
  });
  if (!taken) return [];
  return [{ alertId: alert.id, type: 'escalated', rule: alert.rule, severity: alert.severity, status: alert.status, labels: alert.labels, value: alert.value, actor: 'vigia', comment, at: now }];
}
