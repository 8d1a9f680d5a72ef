import { clip, formatDuration, formatValue, headline, labelsText, safeUrl as safeLink, whySent, type AlertNotification } from '@vigia/plugin-sdk';
import type { SlackConfig } from './config.ts';
import { escapeMrkdwn, severityEmoji } from './format.ts';

/** Slack takes button and link URLs up to 3000 characters and rejects the whole message over a longer or malformed one. */
const safeUrl = (url: string | undefined) => safeLink(url, 3000);

// Block Kit limits; a message over any of them is refused with invalid_blocks.
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const SECTION_MAX = 3000;
const FALLBACK_MAX = 3000;

type Block = Record<string, unknown>;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

/** Renders in each reader's own time zone; the ISO text is what clients that cannot show it print. */
function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${new Date(ms).toISOString()}>`;
}

function emojiFor(n: AlertNotification): string {
  if (n.reason === 'test') return ':test_tube:';
  if (n.status === 'resolved') return ':white_check_mark:';
  return severityEmoji[n.severity];
}

function fields(n: AlertNotification): Block {
  const entries: [string, string][] = [
    ['Status', escapeMrkdwn(`${n.status} (reason: ${n.reason})`)],
    ['Value', escapeMrkdwn(formatValue(n.value))],
    ['Threshold', escapeMrkdwn(`${n.operator} ${formatValue(n.threshold)}`)],
    ['Duration', formatDuration(n.durationSeconds)],
    ['Metric', escapeMrkdwn(n.metric)],
    ['Labels', escapeMrkdwn(labelsText(n.labels) || 'none')],
    ['Started', slackDate(n.startedAt)],
  ];
  if (n.resolvedAt) entries.push(['Resolved', slackDate(n.resolvedAt)]);
  if (n.acknowledgedBy) entries.push(['Acknowledged by', escapeMrkdwn(n.acknowledgedBy)]);
  return { type: 'section', fields: entries.map(([name, value]) => mrkdwn(clip(`*${name}*\n${value}`, FIELD_MAX))) };
}

/** Interactive buttons: Slack posts the click (action id, alert id, who) back to Vigia. */
function interactiveActions(n: AlertNotification): Block {
  const open = safeUrl(n.links.alert);
  const runbook = safeUrl(n.runbookUrl);
  const button = (id: string, label: string, extra: Record<string, unknown> = {}) => ({
    type: 'button',
    action_id: `vigia_${id}`,
    text: { type: 'plain_text', text: label },
    value: n.alertId,
    ...extra,
  });
  const elements = [
    ...(open ? [{ type: 'button', action_id: 'vigia_open', text: { type: 'plain_text', text: 'Open alert' }, url: open }] : []),
    ...(n.status === 'firing' ? [button('acknowledge', 'Acknowledge', { style: 'primary' })] : []),
    ...(n.status !== 'resolved' ? [button('silence_1h', 'Silence 1 h'), button('resolve', 'Resolve', { style: 'danger' })] : []),
    ...(runbook ? [{ type: 'button', action_id: 'vigia_runbook', text: { type: 'plain_text', text: 'Runbook' }, url: runbook }] : []),
  ];
  return { type: 'actions', elements };
}

function actions(n: AlertNotification): Block | undefined {
  const candidates: { id: string; label: string; url: string | undefined; primary?: boolean }[] = [
    { id: 'open', label: 'Open alert', url: n.links.alert },
    // Acting on a resolved (or already acknowledged) alert is a dead end, so those buttons go.
    { id: 'acknowledge', label: 'Acknowledge', url: n.status === 'firing' ? n.links.acknowledge : undefined, primary: true },
    { id: 'silence', label: 'Silence', url: n.status === 'resolved' ? undefined : n.links.silence },
    { id: 'runbook', label: 'Runbook', url: n.runbookUrl },
  ];
  const elements = candidates.flatMap(({ id, label, url, primary }) => {
    const safe = safeUrl(url);
    if (!safe) return [];
    return [{ type: 'button', action_id: `vigia_${id}`, text: { type: 'plain_text', text: label }, url: safe, ...(primary ? { style: 'primary' } : {}) }];
  });
  return elements.length ? { type: 'actions', elements } : undefined;
}

/** The incoming-webhook body: `text` for notifications and old clients, `blocks` for the message itself. */
export function slackMessage(n: AlertNotification, config: SlackConfig) {
  const emoji = emojiFor(n);
  const severity = n.severity.toUpperCase();
  const labels = labelsText(n.labels);
  const title = `${severity} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  const measured = `value ${formatValue(n.value)}, threshold ${n.operator} ${formatValue(n.threshold)}`;

  // An incoming webhook cannot reach one person privately: a page of one names them in the channel.
  const mention = n.recipient && !config.bot_token ? `<@${n.recipient}> ` : '';
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${emoji} ${severity} · ${n.rule}`, HEADER_MAX), emoji: true } },
    { type: 'section', text: mrkdwn(mention + clip(n.message ? escapeMrkdwn(n.message) : `*${escapeMrkdwn(n.summary)}*\n${escapeMrkdwn(whySent(n))}`, SECTION_MAX)) },
    fields(n),
  ];
  if (n.description) blocks.push({ type: 'section', text: mrkdwn(clip(`*Description*\n${escapeMrkdwn(n.description)}`, SECTION_MAX)) });
  const buttons = config.interactive ? interactiveActions(n) : actions(n);
  if (buttons) blocks.push(buttons);
  blocks.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(`Vigia · notification ${n.notificationId}`))] });

  return {
    text: mention + clip(`${emoji} ${escapeMrkdwn(title)}: ${escapeMrkdwn(whySent(n))} (${escapeMrkdwn(measured)})`, FALLBACK_MAX),
    blocks,
    username: config.username,
    ...(config.channel ? { channel: config.channel } : {}),
    ...(config.icon_emoji ? { icon_emoji: config.icon_emoji } : {}),
  };
}
