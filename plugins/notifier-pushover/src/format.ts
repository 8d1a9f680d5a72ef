import type { AlertNotification, Severity } from '@vigia/plugin-sdk';

/** Pushover's HTML mode understands a few tags; everything from the alert is escaped. */
export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const severityColour: Record<Severity, string> = {
  info: '#1e88e5',
  warning: '#f9a825',
  critical: '#e53935',
  emergency: '#b71c1c',
};
export const RESOLVED_COLOUR = '#43a047';

export function formatValue(value: number | null, unit?: string): string {
  if (value === null) return 'no data';
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return unit ? `${number}${unit === '%' ? '' : ' '}${unit}` : number;
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
  return shown.length ? shown.map(([n, u]) => `${n}${u}`).join(' ') : '0s';
}

export const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** What changed, from the reader's point of view (titles). */
export const headline: Record<AlertNotification['reason'], string> = {
  new: 'firing',
  repeat: 'still firing',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  test: 'test',
};

/** One sentence saying why this message reached the reader. */
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

/** Only well-formed http(s) links are shown; anything else is left out rather than sent broken. */
export function safeUrl(url: string | undefined, max: number): string | undefined {
  if (!url || url.length > max) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The acknowledge link is offered only while acting on it still makes sense. */
export const wantsAck = (n: AlertNotification) => n.status === 'firing' && (n.reason === 'new' || n.reason === 'repeat' || n.reason === 'escalated');
