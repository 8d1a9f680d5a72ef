import type { AlertNotification } from '@vigia/plugin-sdk';

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

/** The acknowledge link is offered only while acting on it still makes sense. */
export const wantsAck = (n: AlertNotification) => n.status === 'firing' && (n.reason === 'new' || n.reason === 'repeat' || n.reason === 'escalated');

export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
