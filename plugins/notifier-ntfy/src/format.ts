import type { AlertNotification } from '@vigia/plugin-sdk';

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function formatValue(value: number | null, unit?: string): string {
  if (value === null) return 'no data';
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (!unit) return number;
  return unit === '%' ? `${number}%` : `${number} ${unit}`;
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

/** Short status word for titles: what changed, from the reader's point of view. */
export const headline: Record<AlertNotification['reason'], string> = {
  new: 'firing',
  repeat: 'still firing',
  escalated: 'escalated',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  test: 'test',
};

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

/** Only well-formed http(s) links are shown: anything else is either refused by ntfy or a trap. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || url.length > 2000) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
