import type { AlertNotification } from '@vigia/plugin-sdk';
import { labelsFingerprint } from './fingerprint.ts';

/** Alertmanager's "not set" time, which receivers read as "still firing". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const sortedEntries = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Go's LabelSet.String(): `{a="1", b="2"}`, which is what Alertmanager puts in a groupKey. */
const labelSetString = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

function rfc3339(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString();
}

function origin(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * The payload of Alertmanager's webhook_config (version 4), one alert per message, so tools that
 * already take Alertmanager webhooks work unchanged. Every notification is its own group: the group
 * labels are all the alert's labels (Alertmanager's `group_by: ['...']`), so a receiver that
 * deduplicates on groupKey keeps one incident per series rather than merging hosts.
 */
export function alertmanagerPayload(n: AlertNotification) {
  // Rule identity wins over a series label of the same name, as Prometheus' rule labels do.
  const labels = sortedEntries({ ...n.labels, alertname: n.rule, severity: n.severity });
  const annotations: Record<string, string> = { summary: n.summary };
  if (n.description) annotations.description = n.description;
  if (n.runbookUrl) annotations.runbook_url = n.runbookUrl;
  // Alertmanager has no acknowledged state: an acknowledged alert is still firing.
  const status = n.status === 'resolved' ? 'resolved' : 'firing';
  const endsAt = status === 'resolved' ? rfc3339(n.resolvedAt ?? new Date().toISOString()) : ZERO_TIME;

  return {
    version: '4',
    groupKey: `{}:${labelSetString(labels)}`,
    truncatedAlerts: 0,
    status,
    receiver: 'vigia',
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: origin(n.links.alert),
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: rfc3339(n.startedAt),
        endsAt,
        generatorURL: n.links.alert ?? '',
        fingerprint: labelsFingerprint(labels),
      },
    ],
  };
}
