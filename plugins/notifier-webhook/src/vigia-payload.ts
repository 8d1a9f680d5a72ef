import type { AlertNotification } from '@vigia/plugin-sdk';

/** Vigia's own JSON shape: the notification as the host built it, versioned for receivers. */
export function vigiaPayload(n: AlertNotification) {
  return {
    version: 1,
    status: n.status,
    reason: n.reason,
    notificationId: n.notificationId,
    episodeId: n.episodeId,
    alertId: n.alertId,
    alert: {
      rule: n.rule,
      severity: n.severity,
      metric: n.metric,
      labels: n.labels,
      value: n.value,
      threshold: n.threshold,
      operator: n.operator,
      startedAt: n.startedAt,
      resolvedAt: n.resolvedAt,
      durationSeconds: n.durationSeconds,
      summary: n.summary,
      /** The channel's own text when monitoring.yaml gives it a template. */
      message: n.message,
      description: n.description,
      runbookUrl: n.runbookUrl,
      acknowledgedBy: n.acknowledgedBy,
      comment: n.comment,
    },
    links: n.links,
  };
}
