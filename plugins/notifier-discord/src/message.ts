import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';
import type { DiscordConfig } from './config.ts';

// Discord's documented limits; a message over any of them is refused with 400 "Invalid Form Body".
const CONTENT_MAX = 2000;
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELD_VALUE_MAX = 1024;
const FOOTER_MAX = 2048;

/** Embed side-bar colours (decimal RGB, as Discord wants them). */
export const severityColour: Record<Severity, number> = {
  info: 0x3498db,
  warning: 0xf1c40f,
  critical: 0xe74c3c,
  emergency: 0x992d22,
};
export const RESOLVED_COLOUR = 0x2ecc71;
export const ACKNOWLEDGED_COLOUR = 0x95a5a6;
export const TEST_COLOUR = 0x5865f2;

const severityEmoji: Record<Severity, string> = { info: 'ℹ️', warning: '⚠️', critical: '🔴', emergency: '🚨' };

/**
 * Backslash-escapes Discord markdown so alert text (labels, summaries) shows as typed: inline
 * markers anywhere; list, heading and quote markers only where they count, at a line start.
 */
export const escapeMarkdown = (text: string) => text.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/^([-+#>])/gm, '\\$1');

/** A masked link; parentheses in the URL would end the markdown early. */
const link = (label: string, url: string) => `[${label}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;

function colourOf(n: AlertNotification): number {
  if (n.reason === 'test') return TEST_COLOUR;
  if (n.status === 'resolved') return RESOLVED_COLOUR;
  if (n.status === 'acknowledged') return ACKNOWLEDGED_COLOUR;
  return severityColour[n.severity];
}

function emojiOf(n: AlertNotification): string {
  if (n.reason === 'test') return '🧪';
  if (n.status === 'resolved') return '✅';
  if (n.status === 'acknowledged') return '👀';
  return severityEmoji[n.severity];
}

function links(n: AlertNotification): string {
  const candidates: [string, string | undefined][] = [
    ['Open alert', n.links.alert],
    // Acting on a resolved (or already acknowledged) alert is a dead end, so those links go.
    ['Acknowledge', n.status === 'firing' ? n.links.acknowledge : undefined],
    ['Silence', n.status === 'resolved' ? undefined : n.links.silence],
    ['Runbook', n.runbookUrl],
  ];
  return candidates
    .flatMap(([label, url]) => {
      const safe = safeUrl(url);
      return safe ? [link(label, safe)] : [];
    })
    .join(' · ');
}

function fields(n: AlertNotification) {
  const entries: [string, string, boolean][] = [
    ['Value', formatValue(n.value, n.unit), true],
    ['Threshold', `${n.operator} ${formatValue(n.threshold, n.unit)}`, true],
    ['Duration', formatDuration(n.durationSeconds), true],
    ['Status', `${n.status} (${n.reason})`, true],
    ['Metric', n.metric, true],
    ['Labels', labelsText(n.labels) || 'none', false],
  ];
  if (n.acknowledgedBy) entries.push(['Acknowledged by', n.acknowledgedBy, true]);
  if (n.description) entries.push(['Description', n.description, false]);
  return entries.map(([name, value, inline]) => ({ name, value: clip(escapeMarkdown(value), FIELD_VALUE_MAX), inline }));
}

/** The execute-webhook body: `content` for push notifications, one embed for the alert itself. */
export function discordMessage(n: AlertNotification, config: DiscordConfig) {
  const labels = labelsText(n.labels);
  const title = `${emojiOf(n)} ${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  const text = n.message ?? `**${escapeMarkdown(n.summary)}**\n${escapeMarkdown(whySent(n))}`;
  const actions = links(n);
  const description = clip(text, DESCRIPTION_MAX - actions.length - 2) + (actions ? `\n\n${actions}` : '');
  const alertUrl = safeUrl(n.links.alert);
  return {
    content: clip(escapeMarkdown(title), CONTENT_MAX),
    username: config.username,
    ...(config.avatar_url ? { avatar_url: config.avatar_url } : {}),
    // Label values and summaries are not allowed to ping anyone (@everyone in a label).
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: clip(title, TITLE_MAX),
        ...(alertUrl ? { url: alertUrl } : {}),
        description,
        color: colourOf(n),
        fields: fields(n),
        timestamp: n.resolvedAt ?? n.startedAt,
        footer: { text: clip(`Vigia · ${n.channel} · notification ${n.notificationId}`, FOOTER_MAX) },
      },
    ],
  };
}
