import { whySent, type AlertNotification } from '@vigia/plugin-sdk';
import { detailRows, linkRows } from './format.ts';

export function renderText(n: AlertNotification): string {
  const details = detailRows(n);
  const links = linkRows(n);
  const width = Math.max(...[...details, ...links].map((row) => row.label.length)) + 2;
  const line = (label: string, value: string) => `${`${label}:`.padEnd(width)}${value}`;

  const parts = [`[${n.severity.toUpperCase()}] ${n.rule}`, ...(n.message ? [n.message] : [n.summary, whySent(n)]), details.map((row) => line(row.label, row.value)).join('\n')];
  if (n.description) parts.push(`Description:\n${n.description}`);
  if (links.length) parts.push(links.map((row) => line(row.label, row.url)).join('\n'));
  parts.push(`-- \nSent by Vigia. Notification ${n.notificationId}`);
  return `${parts.join('\n\n')}\n`;
}
