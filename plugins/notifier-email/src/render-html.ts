import { safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import { detailRows, linkRows } from './format.ts';

const severityColor: Record<Severity, string> = {
  info: '#2563eb',
  warning: '#d97706',
  critical: '#dc2626',
  emergency: '#7f1d1d',
};
const resolvedColor = '#16a34a';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Everything from the alert is untrusted text (labels come from monitored systems). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

const paragraphs = (text: string) => escapeHtml(text).replace(/\r?\n/g, '<br>');

function link(label: string, url: string): string {
  const safe = safeUrl(url);
  if (!safe) return `${escapeHtml(label)}: ${escapeHtml(url)}`;
  return `<a href="${escapeHtml(safe)}" style="display:inline-block;margin:0 8px 8px 0;padding:6px 12px;border:1px solid #d1d5db;border-radius:4px;color:#111827;text-decoration:none">${escapeHtml(label)}</a>`;
}

/** Inline styles only: most mail clients drop <style> blocks and external CSS. */
export function renderHtml(n: AlertNotification): string {
  const color = n.status === 'resolved' ? resolvedColor : severityColor[n.severity];
  const rows = detailRows(n)
    .map(
      (row) =>
        `<tr><th align="left" style="padding:4px 12px 4px 0;color:#6b7280;font-weight:normal;vertical-align:top">${escapeHtml(row.label)}</th>` +
        `<td style="padding:4px 0">${escapeHtml(row.value)}</td></tr>`,
    )
    .join('');
  const links = linkRows(n);

  return [
    '<!doctype html><html><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#111827">',
    `<div style="border-left:6px solid ${color};padding:8px 16px;max-width:640px">`,
    `<p style="margin:0;color:${color};font-weight:bold;letter-spacing:.05em">${escapeHtml(n.severity.toUpperCase())} · ${escapeHtml(n.status.toUpperCase())}</p>`,
    `<h2 style="margin:4px 0 8px">${escapeHtml(n.rule)}</h2>`,
    ...(n.message
      ? [`<p style="margin:0 0 12px">${paragraphs(n.message)}</p>`]
      : [`<p style="margin:0 0 8px"><strong>${escapeHtml(n.summary)}</strong></p>`, `<p style="margin:0 0 12px">${escapeHtml(whySent(n))}</p>`]),
    `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin-bottom:12px">${rows}</table>`,
    n.description ? `<p style="margin:0 0 12px">${paragraphs(n.description)}</p>` : '',
    links.length ? `<p style="margin:0 0 4px">${links.map((row) => link(row.label, row.url)).join('')}</p>` : '',
    `<p style="margin:12px 0 0;color:#6b7280;font-size:12px">Sent by Vigia · notification ${escapeHtml(n.notificationId)}</p>`,
    '</div></body></html>',
  ].join('\n');
}
