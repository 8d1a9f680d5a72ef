import type { Severity } from './severity.ts';

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';
/** Why a notification was sent. */
export type NotificationReason = 'new' | 'repeat' | 'escalated' | 'acknowledged' | 'resolved' | 'test';

/** Everything a channel needs to render one message; the host builds it, the notifier only formats and sends. */
export interface AlertNotification {
  /** Stable per (episode, reason, channel, sequence): receivers may use it to drop duplicates. */
  notificationId: string;
  reason: NotificationReason;
  status: AlertStatus;
  alertId: string;
  episodeId: string;
  rule: string;
  severity: Severity;
  metric: string;
  /** Unit of the metric's value (`%`, `bytes`, `s`…) when known. */
  unit?: string;
  labels: Record<string, string>;
  value: number | null;
  threshold: number;
  operator: string;
  startedAt: string;
  resolvedAt?: string;
  /** Whole seconds the condition has held. */
  durationSeconds: number;
  summary: string;
  description?: string;
  runbookUrl?: string;
  acknowledgedBy?: string;
  comment?: string;
  links: { alert?: string; acknowledge?: string; silence?: string };
  /** The channel this copy is for (its name in monitoring.yaml). */
  channel: string;
  /** Where people reach Vigia (VIGIA_PUBLIC_URL). */
  vigiaUrl: string;
  /**
   * For notifiers that declare `recipients`: the one recipient this copy is for (its links are
   * signed for them, so Vigia records who acted). Also set when an escalation pages one on-call
   * person through this channel: their address for its kind (email, phone number, Slack member
   * id, Telegram chat id, ntfy topic, Pushover user key); the copy must reach only them.
   */
  recipient?: string;
  /**
   * The channel's own text, rendered from its `template` in monitoring.yaml: when present, a
   * notifier shows it instead of its default wording (keeping its structure, links and headers).
   */
  message?: string;
  /**
   * What the channel answered (DeliveryReceipt.externalId) for the last message it received
   * about this alert, so a notifier can edit that message instead of posting another.
   */
  previousExternalId?: string;
}
