import type { AlertNotification, NotificationReason } from '@vigia/core';
import type { schema } from '@vigia/db';

type AlertRow = typeof schema.alerts.$inferSelect;

export function notificationId(alertId: string, seq: number | string, reason: string, channel: string): string {
  // BullMQ job ids may not contain ':'; dots keep the id readable and unique per episode, message and channel.
  return `${alertId}.${seq}.${reason}.${channel}`;
}

/** The message every channel renders, frozen at the moment of the transition. */
export function buildNotification(
  alert: AlertRow,
  reason: NotificationReason,
  seq: number | string,
  channel: string,
  context: { vigiaUrl: string; now: number; unit?: string; comment?: string },
): AlertNotification {
  const end = alert.resolvedAt?.getTime() ?? context.now;
  return {
    notificationId: notificationId(alert.id, seq, reason, channel),
    reason,
    status: alert.status,
    alertId: alert.id,
    episodeId: alert.id,
    rule: alert.rule,
    severity: alert.severity as AlertNotification['severity'],
    metric: alert.metric,
    unit: context.unit,
    labels: alert.labels,
    value: alert.value,
    threshold: alert.threshold,
    operator: alert.operator,
    startedAt: alert.startedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString(),
    durationSeconds: Math.max(0, Math.round((end - alert.startedAt.getTime()) / 1000)),
    summary: alert.summary,
    description: alert.description ?? undefined,
    runbookUrl: alert.runbookUrl ?? undefined,
    acknowledgedBy: alert.acknowledgedBy ?? undefined,
    comment: context.comment,
    links: { alert: `${context.vigiaUrl}/alerts/${alert.id}` },
    channel,
    vigiaUrl: context.vigiaUrl,
  };
}
