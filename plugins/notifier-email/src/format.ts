import { formatDuration, formatValue, headline, labelsText, type AlertNotification } from '@vigia/plugin-sdk';

/** `[Vigia] CRITICAL firing: High CPU Usage (host=a)` */
export function subjectLine(n: AlertNotification, prefix: string): string {
  const labels = labelsText(n.labels);
  const subject = `${prefix} ${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  // A line break in a rule or label would otherwise end up folded into the header.
  return subject.replace(/\s+/g, ' ').trim();
}

export interface DetailRow {
  label: string;
  value: string;
}

/** The facts both bodies show, in the order they show them. */
export function detailRows(n: AlertNotification): DetailRow[] {
  const rows: DetailRow[] = [
    { label: 'Status', value: `${n.status} (reason: ${n.reason})` },
    { label: 'Severity', value: n.severity },
    { label: 'Value', value: formatValue(n.value) },
    { label: 'Threshold', value: `${n.operator} ${formatValue(n.threshold)}` },
    { label: 'Metric', value: n.metric },
    { label: 'Labels', value: labelsText(n.labels) || 'none' },
    { label: 'Duration', value: formatDuration(n.durationSeconds) },
    { label: 'Started', value: n.startedAt },
  ];
  if (n.resolvedAt) rows.push({ label: 'Resolved', value: n.resolvedAt });
  if (n.acknowledgedBy) rows.push({ label: 'Acknowledged by', value: n.acknowledgedBy });
  if (n.comment) rows.push({ label: 'Comment', value: n.comment });
  return rows;
}

export interface LinkRow {
  label: string;
  url: string;
}

export function linkRows(n: AlertNotification): LinkRow[] {
  const candidates: [string, string | undefined][] = [
    ['Open alert', n.links.alert],
    // Acting on a resolved (or already acknowledged) alert is a dead end, so those links go.
    ['Acknowledge', n.status === 'firing' ? n.links.acknowledge : undefined],
    ['Silence', n.status === 'resolved' ? undefined : n.links.silence],
    ['Runbook', n.runbookUrl],
  ];
  return candidates.flatMap(([label, url]) => (url ? [{ label, url }] : []));
}
