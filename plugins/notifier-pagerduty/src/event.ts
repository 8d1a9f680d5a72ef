import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import type { PagerDutyConfig } from './config.ts';

/** PagerDuty knows critical, error, warning and info; emergency pages as critical. */
export const pagerDutySeverity: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  info: 'info',
  warning: 'warning',
  critical: 'critical',
  emergency: 'critical',
};

/** Events for one Vigia alert share its id as dedup_key, so PagerDuty's alert follows Vigia's. */
export function dedupKey(n: AlertNotification): string {
  // Test sends all carry the alert id "test": each gets its own key so they never merge into, or resolve, one another.
  return clip(n.reason === 'test' ? `vigia-test-${n.notificationId}` : n.alertId, 255);
}

export function eventAction(n: AlertNotification): 'trigger' | 'acknowledge' | 'resolve' {
  if (n.reason === 'acknowledged') return 'acknowledge';
  if (n.reason === 'resolved') return 'resolve';
  return 'trigger';
}

function summary(n: AlertNotification): string {
  if (n.message) return clip(n.message, 1024);
  const labels = labelsText(n.labels);
  const measured = `value ${formatValue(n.value, n.unit)}, threshold ${n.operator} ${formatValue(n.threshold, n.unit)}`;
  return clip(`[${n.severity.toUpperCase()}] ${n.rule}${labels ? ` (${labels})` : ''}: ${n.summary} (${measured})`, 1024);
}

function customDetails(n: AlertNotification): Record<string, unknown> {
  const details: Record<string, unknown> = {
    vigia_severity: n.severity,
    reason: n.reason,
    why: whySent(n),
    summary: n.summary,
    value: formatValue(n.value, n.unit),
    threshold: `${n.operator} ${formatValue(n.threshold, n.unit)}`,
    metric: n.metric,
    labels: n.labels,
    started_at: n.startedAt,
    duration: formatDuration(n.durationSeconds),
    notification_id: n.notificationId,
  };
  if (n.unit) details.unit = n.unit;
  if (n.description) details.description = n.description;
  if (n.runbookUrl) details.runbook = n.runbookUrl;
  return details;
}

function links(n: AlertNotification): { href: string; text: string }[] {
  const candidates: [string | undefined, string][] = [
    [n.links.alert, 'Open alert in Vigia'],
    // While firing, acknowledging in Vigia also acknowledges here (and stops Vigia's escalation).
    [n.status === 'firing' ? n.links.acknowledge : undefined, 'Acknowledge in Vigia'],
    [n.runbookUrl, 'Runbook'],
  ];
  return candidates.flatMap(([href, text]) => {
    const safe = safeUrl(href);
    return safe ? [{ href: safe, text }] : [];
  });
}

/**
 * The Events API v2 body (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/).
 * Acknowledge and resolve carry only the key: PagerDuty applies them to the open alert.
 */
export function enqueueBody(n: AlertNotification, config: PagerDutyConfig) {
  const action = eventAction(n);
  const base = { routing_key: config.routing_key, event_action: action, dedup_key: dedupKey(n) };
  if (action !== 'trigger') return base;
  return {
    ...base,
    payload: {
      summary: summary(n),
      source: clip(config.source ?? n.labels.host ?? n.labels.instance ?? 'vigia', 255),
      severity: pagerDutySeverity[n.severity],
      timestamp: n.startedAt,
      component: n.metric,
      ...(config.group ? { group: config.group } : {}),
      class: clip(`${n.rule} (${headline[n.reason]})`, 255),
      custom_details: customDetails(n),
    },
    links: links(n),
    client: 'Vigia',
    client_url: safeUrl(n.links.alert) ?? n.vigiaUrl,
  };
}
