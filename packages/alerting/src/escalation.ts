import type { Queue } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, notifications, type Database } from '@vigia/db';
import { QUEUES, type EscalatePayload } from '@vigia/live';
import type { AlertEvent, AlertStore } from './alert-store.ts';
import { buildNotification, notificationId } from './notification-payload.ts';

const jobId = (alertId: string, step: number) => `${alertId}.esc.${step}`;

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

  async schedule(alertId: string, severity: string): Promise<void> {
    const steps = this.steps(severity);
    if (!steps.length) return;
    await this.queue.addBulk(steps.map((s, step) => ({ name: 'escalate', data: { alertId, step }, opts: { ...QUEUES.escalate.jobOptions, delay: s.after, jobId: jobId(alertId, step) } })));
  }

  async cancel(alertId: string, severity: string): Promise<void> {
    await Promise.all(this.steps(severity).map((_, step) => this.queue.remove(jobId(alertId, step)).catch(() => 0)));
  }

  /** Keeps the policies in step with what happened: new episodes scheduled, handled ones cancelled. */
  async follow(events: AlertEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'firing') await this.schedule(e.alertId, e.severity);
      else if (e.type === 'acknowledged' || e.type === 'resolved') await this.cancel(e.alertId, e.severity);
    }
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
  const comment = `unacknowledged after ${Math.round(step.after / 1000)} s: step ${payload.step + 1} notifies ${channels.join(', ') || 'no enabled channel'}`;
  await db.transaction(async (tx) => {
    // Checked again inside the transaction: an acknowledgement that just landed wins.
    const [current] = await tx.select({ status: alerts.status }).from(alerts).where(and(eq(alerts.id, alert.id), eq(alerts.status, 'firing')));
    if (!current) return;
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
  });
  return [{ alertId: alert.id, type: 'escalated', rule: alert.rule, severity: alert.severity, status: alert.status, labels: alert.labels, value: alert.value, actor: 'vigia', comment, at: now }];
}
