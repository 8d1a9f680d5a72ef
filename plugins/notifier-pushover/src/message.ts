import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, wantsAck, whySent, type AlertNotification } from '@vigia/plugin-sdk';
import type { PushoverConfig } from './config.ts';
import { escapeHtml, RESOLVED_COLOUR, severityColour } from './format.ts';

// Pushover's documented limits; a longer field is refused with a 400.
const TITLE_MAX = 250;
const MESSAGE_MAX = 1024;
const URL_MAX = 512;

/** Tags every emergency message of one alert, so acknowledging or resolving it stops their repeats. */
export const alertTag = (alertId: string) => `vigia-${alertId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export const sendsEmergencies = (config: PushoverConfig) => Object.values(config.priorities).includes(2);

export function priorityFor(n: AlertNotification, config: PushoverConfig): number {
  // A test should be heard but never page; a resolution or acknowledgement is news, not a page,
  // so it neither repeats until acknowledged (2) nor breaks through quiet hours (1).
  if (n.reason === 'test') return 0;
  const configured = config.priorities[n.severity];
  return n.reason === 'resolved' || n.reason === 'acknowledged' ? Math.min(configured, 0) : configured;
}

/** `text` escaped, clipped first so that the escaped form fits `budget` characters. */
function fitEscaped(text: string, budget: number): string {
  let keep = Math.min(text.length, budget);
  while (keep > 0) {
    const escaped = escapeHtml(clip(text, keep));
    if (escaped.length <= budget) return escaped;
    keep -= escaped.length - budget;
  }
  return '';
}

const link = (url: string, label: string) => `<a href="${escapeHtml(url)}">${label}</a>`;

function htmlBody(n: AlertNotification): string {
  const colour = n.status === 'resolved' ? RESOLVED_COLOUR : severityColour[n.severity];
  const labels = labelsText(n.labels);
  const header = `<font color="${colour}"><b>${n.severity.toUpperCase()}</b></font> · ${escapeHtml(`${n.status} (${n.reason})`)}`;
  const facts = [
    `Value: <b>${escapeHtml(formatValue(n.value, n.unit))}</b> (threshold ${escapeHtml(`${n.operator} ${formatValue(n.threshold, n.unit)}`)})`,
    `Metric: ${escapeHtml(clip(`${n.metric}${labels ? ` {${labels}}` : ''}`, 200))}`,
    `Duration: ${formatDuration(n.durationSeconds)}`,
  ];
  const ack = wantsAck(n) ? safeUrl(n.links.acknowledge, URL_MAX) : undefined;
  const runbook = safeUrl(n.runbookUrl, URL_MAX);
  const links = [...(ack ? [link(ack, '<b>Acknowledge</b>')] : []), ...(runbook ? [link(runbook, 'Runbook')] : [])].join(' · ');

  const fixed = [header, '', ...facts, ...(links ? ['', links] : [])];
  const fixedLength = fixed.join('\n').length + 2;
  // The channel's own text replaces the default wording; the facts and links stay.
  const lead = fitEscaped(n.message ?? `${n.summary}\n${whySent(n)}`, MESSAGE_MAX - fixedLength);
  const room = MESSAGE_MAX - fixedLength - lead.length - 2;
  const description = n.description && room > 40 ? fitEscaped(n.description, Math.min(room, 300)) : '';
  return [header, lead, '', ...facts, ...(description ? ['', `<i>${description}</i>`] : []), ...(links ? ['', links] : [])].join('\n');
}

/** The body of POST /1/messages.json. */
export function pushoverMessage(n: AlertNotification, config: PushoverConfig): Record<string, string | number> {
  const priority = priorityFor(n, config);
  const title = n.reason === 'test' ? `Vigia test · ${n.rule}` : `${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}`;
  const alert = safeUrl(n.links.alert, URL_MAX);
  return {
    token: config.token,
    // A page of one on-call person goes to their own user key (all their devices).
    user: n.recipient ?? config.user,
    title: clip(title, TITLE_MAX),
    message: htmlBody(n),
    html: 1,
    priority,
    ...(alert ? { url: alert, url_title: 'Open in Vigia' } : {}),
    ...(config.device && !n.recipient ? { device: config.device } : {}),
    ...(config.sound ? { sound: config.sound } : {}),
    ...(priority === 2 ? { retry: config.retry, expire: config.expire, tags: alertTag(n.alertId) } : {}),
  };
}
