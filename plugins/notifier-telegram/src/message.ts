import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import type { TelegramConfig } from './config.ts';

const severityEmoji: Record<Severity, string> = {
  info: 'ℹ️',
  warning: '⚠️',
  critical: '🔴',
  emergency: '🚨',
};

/** Telegram's HTML mode knows these entities only; quotes matter inside href attributes. */
export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Button {
  text: string;
  url: string;
}

function emojiFor(n: AlertNotification): string {
  if (n.reason === 'test') return '🧪';
  if (n.status === 'resolved') return '✅';
  if (n.status === 'acknowledged') return '👀';
  return severityEmoji[n.severity];
}

/** Acknowledge alone on the first row (the one action that stops the paging), the rest below. */
export function buttons(n: AlertNotification): Button[][] {
  const ack = n.status === 'firing' ? safeUrl(n.links.acknowledge) : undefined;
  const rest: Button[] = [];
  const open = safeUrl(n.links.alert);
  const runbook = safeUrl(n.runbookUrl);
  const silence = n.status === 'resolved' ? undefined : safeUrl(n.links.silence);
  if (open) rest.push({ text: 'Open alert', url: open });
  if (silence) rest.push({ text: 'Silence', url: silence });
  if (runbook) rest.push({ text: 'Runbook', url: runbook });
  return [...(ack ? [[{ text: '✅ Acknowledge', url: ack }]] : []), ...(rest.length ? [rest] : [])];
}

/**
 * The message text in Telegram's HTML mode. Each part taken from the alert is clipped before it
 * is escaped, so the whole stays under Telegram's 4096 characters and no tag is ever cut.
 */
export function messageText(n: AlertNotification, withLinks: boolean): string {
  const labels = labelsText(n.labels);
  const lines = [
    `${emojiFor(n)} <b>${escapeHtml(`${n.severity.toUpperCase()} ${headline[n.reason]}`)}</b>`,
    `<b>${escapeHtml(clip(n.rule, 200))}</b>${labels ? ` (${escapeHtml(clip(labels, 300))})` : ''}`,
    n.message ? escapeHtml(clip(n.message, 1500)) : `${escapeHtml(clip(n.summary, 500))}\n<i>${escapeHtml(clip(whySent(n), 400))}</i>`,
    '',
    `Value: <b>${escapeHtml(formatValue(n.value, n.unit))}</b> (threshold ${escapeHtml(`${n.operator} ${formatValue(n.threshold, n.unit)}`)})`,
    `Metric: <code>${escapeHtml(clip(n.metric, 200))}</code>`,
    `Since: ${escapeHtml(n.startedAt)} (${formatDuration(n.durationSeconds)})`,
  ];
  if (n.resolvedAt) lines.push(`Resolved: ${escapeHtml(n.resolvedAt)}`);
  if (n.acknowledgedBy) lines.push(`Acknowledged by: ${escapeHtml(clip(n.acknowledgedBy, 100))}`);
  if (n.description) lines.push('', escapeHtml(clip(n.description, 600)));
  if (withLinks) {
    const links = buttons(n)
      .flat()
      .map((b) => `<a href="${escapeHtml(b.url)}">${escapeHtml(b.text.replace(/^✅ /, ''))}</a>`);
    if (links.length) lines.push('', links.join(' · '));
  }
  return lines.join('\n');
}

/**
 * Where the copy goes: a page of one on-call person names their chat id (their private chat with
 * the bot) as its recipient; otherwise the channel's chat.
 */
export function chatOf(n: AlertNotification, config: TelegramConfig): number | string {
  if (!n.recipient) return config.chat_id;
  return /^-?\d+$/.test(n.recipient) ? Number(n.recipient) : n.recipient;
}

/**
 * The sendMessage body. Resolved, acknowledged and info messages arrive silently: they need no
 * one woken up. A later message about an alert replies to the first, so the chat threads them.
 */
export function sendMessageBody(n: AlertNotification, config: TelegramConfig, options: { keyboard: boolean; replyTo?: number }) {
  const keyboard = options.keyboard ? buttons(n) : [];
  const quiet = n.reason !== 'test' && (n.status !== 'firing' || n.severity === 'info');
  return {
    chat_id: chatOf(n, config),
    text: messageText(n, !options.keyboard),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    disable_notification: quiet,
    ...(config.message_thread_id && !n.recipient ? { message_thread_id: config.message_thread_id } : {}),
    ...(options.replyTo ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
    ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
  };
}
