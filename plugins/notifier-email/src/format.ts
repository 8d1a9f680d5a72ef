import type { AlertNotification } from '@vigia/plugin-sdk';

export function formatValue(value: number | null): string {
  if (value === null) return 'no data';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  return shown.length ? shown.map(([n, unit]) => `${n}${unit}`).join(' ') : '0s';
}

export const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** Short status word for subjects: what changed, from the reader's point of view. */
const headline: Record<AlertNotification['reason'], string> = {
  new: 'firing',
  repeat: 'still firing',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  test: 'test',
};

/** `[Vigia] CRITICAL firing: High CPU Usage (host=a)` */
export function subjectLine(n: AlertNotification, prefix: string): string {
  const labels = labelsText(n.labels);
  const subject = `${prefix} ${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  // A line break in a rule or label would otherwise end up folded into the header.
  return subject.replace(/\s+/g, ' ').trim();
}

/** One sentence telling the reader why this message reached them. */
export function whySent(n: AlertNotification): string {
  const lasted = formatDuration(n.durationSeconds);
  switch (n.reason) {
    case 'new':
      return 'New alert: the condition started firing.';
    case 'repeat':
      return `Reminder: still firing after ${lasted} and not yet resolved.`;
    case 'escalated':
      return `Escalated: still firing after ${lasted} without being resolved.`;
    case 'acknowledged':
      return `Acknowledged${n.acknowledgedBy ? ` by ${n.acknowledgedBy}` : ''}${n.comment ? `: "${n.comment}"` : '.'}`;
    case 'resolved':
      return `Resolved after ${lasted}.`;
    case 'test':
      return 'Test notification: sent to check that this channel works; no action needed.';
  }
}

/** Only http(s) links become clickable: a `javascript:` runbook URL must not reach an href. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
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
