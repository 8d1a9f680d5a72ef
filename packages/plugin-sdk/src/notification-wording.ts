import type { AlertNotification } from './notifier.ts';

/**
 * The words every notifier uses for the same facts, kept in one place so that an alert reads the
 * same in Slack, e-mail, PagerDuty or a text message. Channel-specific markup stays in each plugin.
 */

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A number with its unit: "93.4568%", "512 bytes", "no data"; a percent sign sticks to the number. */
export function formatValue(value: number | null, unit?: string): string {
  if (value === null) return 'no data';
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (!unit) return number;
  return unit === '%' ? `${number}%` : `${number} ${unit}`;
}

/** The two largest non-zero units: "5m 12s", "1d 3h", "0s". */
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

/** "host=a, region=eu-west"; empty when there are no labels. */
export const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** Short status word for titles and subjects: what changed, from the reader's point of view. */
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

/**
 * The URL when it is a well-formed http(s) link of at most `maxLength` characters, else undefined:
 * a `javascript:` link must not reach an href, and services refuse the whole message over a bad or
 * over-long button URL. 2000 is what browsers and most services accept; pass a service's own limit.
 */
export function safeUrl(url: string | undefined, maxLength = 2000): string | undefined {
  if (!url || url.length > maxLength) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The acknowledge link is offered only while acting on it still makes sense. */
export const wantsAck = (n: AlertNotification) => n.status === 'firing' && (n.reason === 'new' || n.reason === 'repeat' || n.reason === 'escalated');
