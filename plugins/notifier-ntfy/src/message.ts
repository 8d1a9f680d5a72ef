import { formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import type { NtfyConfig } from './config.ts';

// ntfy turns a message over 4,096 bytes into an attachment; the title is cut at 256 characters.
const MESSAGE_MAX_BYTES = 4000;
const TITLE_MAX = 250;

/** ntfy priorities: 3 default, 4 high (long vibration), 5 max/urgent (breaks through Do Not Disturb on Android). */
export const severityPriority: Record<Severity, 3 | 4 | 5> = { info: 3, warning: 4, critical: 5, emergency: 5 };

const severityTag: Record<Severity, string> = { info: 'information_source', warning: 'warning', critical: 'rotating_light', emergency: 'sos' };

/**
 * Only what may wake someone goes at the severity's priority: acknowledged, resolved and test
 * messages are news, not pages, so they go at the default priority.
 */
function priorityOf(n: AlertNotification): 3 | 4 | 5 {
  return n.reason === 'new' || n.reason === 'repeat' || n.reason === 'escalated' ? severityPriority[n.severity] : 3;
}

function tagsOf(n: AlertNotification, config: NtfyConfig): string[] {
  const emoji = n.reason === 'test' ? 'test_tube' : n.status === 'resolved' ? 'white_check_mark' : n.status === 'acknowledged' ? 'eyes' : severityTag[n.severity];
  return [emoji, n.severity, ...config.tags];
}

const clipBytes = (text: string, max: number) => {
  if (Buffer.byteLength(text) <= max) return text;
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut) > max - 3) cut = cut.slice(0, -1);
  return `${cut}…`;
};

function body(n: AlertNotification): string {
  const lines = [n.message ?? `${n.summary}\n${whySent(n)}`, ''];
  lines.push(`Value ${formatValue(n.value, n.unit)} (threshold ${n.operator} ${formatValue(n.threshold, n.unit)}), for ${formatDuration(n.durationSeconds)}`);
  const labels = labelsText(n.labels);
  lines.push(`${n.metric}${labels ? ` {${labels}}` : ''}`);
  if (n.acknowledgedBy) lines.push(`Acknowledged by ${n.acknowledgedBy}`);
  if (n.description) lines.push('', n.description);
  const runbook = safeUrl(n.runbookUrl);
  if (runbook) lines.push('', `Runbook: ${runbook}`);
  return lines.join('\n');
}

/** At most three buttons (ntfy's limit): open the alert, acknowledge it from the phone, the runbook. */
function actionsOf(n: AlertNotification) {
  const open = safeUrl(n.links.alert);
  const acknowledge = n.status === 'firing' ? safeUrl(n.links.acknowledge) : undefined;
  const runbook = safeUrl(n.runbookUrl);
  return [
    ...(open ? [{ action: 'view', label: 'Open alert', url: open }] : []),
    // The signed link acknowledges on POST (a GET only shows a confirmation page), so the button
    // acts from the notification itself, and clears it once done.
    ...(acknowledge ? [{ action: 'http', label: 'Acknowledge', url: acknowledge, method: 'POST', clear: true }] : []),
    ...(runbook ? [{ action: 'view', label: 'Runbook', url: runbook }] : []),
  ];
}

/** The JSON publish body (POST to the server root, topic in the body). */
export function ntfyMessage(n: AlertNotification, config: NtfyConfig) {
  const labels = labelsText(n.labels);
  const title = `${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  const click = safeUrl(n.links.alert);
  const actions = actionsOf(n);
  return {
    // A page of one on-call person goes to their own topic.
    topic: n.recipient ?? config.topic,
    title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    message: clipBytes(body(n), MESSAGE_MAX_BYTES),
    priority: priorityOf(n),
    tags: tagsOf(n, config),
    ...(click ? { click } : {}),
    ...(actions.length ? { actions } : {}),
  };
}
