import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import type { OpsgenieConfig } from './config.ts';

/** P1 is Opsgenie's highest; P5 is "informational". */
export const priority: Record<Severity, 'P1' | 'P2' | 'P3' | 'P5'> = {
  emergency: 'P1',
  critical: 'P2',
  warning: 'P3',
  info: 'P5',
};

/** One Opsgenie alert per Vigia alert: the alias is its id, so acknowledge and close find it. */
export function aliasOf(n: AlertNotification): string {
  // Test sends all carry the alert id "test": each gets its own alias so they never merge or close one another.
  return clip(n.reason === 'test' ? `vigia-test-${n.notificationId}` : n.alertId, 512);
}

export interface AlertRequest {
  /** Path under the API root, alias already encoded. */
  path: string;
  body: Record<string, unknown>;
  action: 'create' | 'acknowledge' | 'close';
}

function description(n: AlertNotification): string {
  const lines = [
    n.message ?? `${n.summary}\n${whySent(n)}`,
    '',
    `Value: ${formatValue(n.value, n.unit)} (threshold ${n.operator} ${formatValue(n.threshold, n.unit)})`,
    `Metric: ${n.metric}`,
    `Labels: ${labelsText(n.labels) || 'none'}`,
    `Started: ${n.startedAt} (${formatDuration(n.durationSeconds)} ago)`,
  ];
  if (n.description) lines.push('', n.description);
  const links: [string | undefined, string][] = [
    [n.links.alert, 'Open alert in Vigia'],
    [n.status === 'firing' ? n.links.acknowledge : undefined, 'Acknowledge in Vigia'],
    [n.runbookUrl, 'Runbook'],
  ];
  const shown = links.flatMap(([url, label]) => (safeUrl(url) ? [`${label}: ${url}`] : []));
  if (shown.length) lines.push('', ...shown);
  return clip(lines.join('\n'), 15_000);
}

/** Opsgenie's details are a map of strings. */
function details(n: AlertNotification): Record<string, string> {
  const out: Record<string, string> = {
    severity: n.severity,
    reason: n.reason,
    value: formatValue(n.value, n.unit),
    threshold: `${n.operator} ${formatValue(n.threshold, n.unit)}`,
    metric: n.metric,
    started_at: n.startedAt,
    notification_id: n.notificationId,
  };
  if (n.unit) out.unit = n.unit;
  for (const [name, value] of Object.entries(n.labels)) out[`label.${name}`] = clip(value, 500);
  const alert = safeUrl(n.links.alert);
  const runbook = safeUrl(n.runbookUrl);
  const ack = n.status === 'firing' ? safeUrl(n.links.acknowledge) : undefined;
  if (alert) out.vigia_alert = alert;
  if (ack) out.acknowledge = ack;
  if (runbook) out.runbook = runbook;
  return out;
}

/**
 * The Alert API call for a notification (https://docs.opsgenie.com/docs/alert-api): create for
 * new, repeat, escalated and test (Opsgenie counts a repeat against the open alert with the same
 * alias), acknowledge and close by alias.
 */
export function alertRequest(n: AlertNotification, config: OpsgenieConfig): AlertRequest {
  const alias = aliasOf(n);
  const byAlias = (verb: string) => `/v2/alerts/${encodeURIComponent(alias)}/${verb}?identifierType=alias`;
  if (n.reason === 'acknowledged') {
    const note = `Acknowledged in Vigia${n.acknowledgedBy ? ` by ${n.acknowledgedBy}` : ''}${n.comment ? `: ${n.comment}` : ''}`;
    return { action: 'acknowledge', path: byAlias('acknowledge'), body: { user: clip(n.acknowledgedBy ?? 'Vigia', 100), source: 'Vigia', note: clip(note, 25_000) } };
  }
  if (n.reason === 'resolved') {
    return { action: 'close', path: byAlias('close'), body: { user: 'Vigia', source: 'Vigia', note: `Resolved in Vigia after ${formatDuration(n.durationSeconds)}.` } };
  }
  const labels = labelsText(n.labels);
  return {
    action: 'create',
    path: '/v2/alerts',
    body: {
      message: clip(`[${n.severity.toUpperCase()}] ${n.rule}${labels ? ` (${labels})` : ''}: ${n.summary}`, 130),
      alias,
      description: description(n),
      ...(config.responders ? { responders: config.responders } : {}),
      tags: ['vigia', n.severity, ...(n.reason === 'test' ? ['test'] : []), ...(config.tags ?? [])].slice(0, 20),
      details: details(n),
      ...(config.entity ? { entity: config.entity } : {}),
      source: 'Vigia',
      priority: priority[n.severity],
      note: whySent(n) + (n.reason === 'new' || n.reason === 'test' ? '' : ` (${headline[n.reason]})`),
    },
  };
}
