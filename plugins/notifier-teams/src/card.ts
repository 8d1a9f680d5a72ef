import { clip, formatDuration, formatValue, headline, labelsText, safeUrl, whySent, type AlertNotification, type Severity } from '@vigia/plugin-sdk';

// Teams refuses a message over 28 KB; these keep any one alert's text well under it.
const TEXT_MAX = 2000;
const FACT_MAX = 500;

type Style = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
type Colour = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

/** Adaptive Card 1.4 has no free colours: severity maps to the host's semantic styles. */
export const severityStyle: Record<Severity, { style: Style; color: Colour; emoji: string }> = {
  info: { style: 'accent', color: 'Accent', emoji: 'ℹ️' },
  warning: { style: 'warning', color: 'Warning', emoji: '⚠️' },
  critical: { style: 'attention', color: 'Attention', emoji: '🔴' },
  emergency: { style: 'attention', color: 'Attention', emoji: '🚨' },
};

function lookOf(n: AlertNotification): { style: Style; color: Colour; emoji: string } {
  if (n.reason === 'test') return { style: 'emphasis', color: 'Accent', emoji: '🧪' };
  if (n.status === 'resolved') return { style: 'good', color: 'Good', emoji: '✅' };
  if (n.status === 'acknowledged') return { style: 'emphasis', color: 'Default', emoji: '👀' };
  return severityStyle[n.severity];
}

/**
 * TextBlocks and facts render a markdown subset: alert text is escaped so it shows as typed
 * (inline markers anywhere; list, heading and quote markers only where they count, at a line start).
 */
export const escapeMarkdown = (text: string) => text.replace(/([\\*_[\]`~])/g, '\\$1').replace(/^([-+#>])/gm, '\\$1');

const textBlock = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: clip(text, TEXT_MAX), wrap: true, ...extra });

function facts(n: AlertNotification) {
  const entries: [string, string][] = [
    ['Value', formatValue(n.value, n.unit)],
    ['Threshold', `${n.operator} ${formatValue(n.threshold, n.unit)}`],
    ['Duration', formatDuration(n.durationSeconds)],
    ['Status', `${n.status} (${n.reason})`],
    ['Metric', n.metric],
    ['Labels', labelsText(n.labels) || 'none'],
    ['Started', n.startedAt],
  ];
  if (n.resolvedAt) entries.push(['Resolved', n.resolvedAt]);
  if (n.acknowledgedBy) entries.push(['Acknowledged by', n.acknowledgedBy]);
  return entries.map(([title, value]) => ({ title, value: clip(escapeMarkdown(value), FACT_MAX) }));
}

function actions(n: AlertNotification) {
  const candidates: [string, string | undefined][] = [
    ['Open alert', n.links.alert],
    // Acting on a resolved (or already acknowledged) alert is a dead end, so those buttons go.
    ['Acknowledge', n.status === 'firing' ? n.links.acknowledge : undefined],
    ['Silence', n.status === 'resolved' ? undefined : n.links.silence],
    ['Runbook', n.runbookUrl],
  ];
  return candidates.flatMap(([title, url]) => {
    const safe = safeUrl(url);
    return safe ? [{ type: 'Action.OpenUrl', title, url: safe }] : [];
  });
}

/** The Adaptive Card (1.4, what Teams renders) for one notification. */
export function adaptiveCard(n: AlertNotification) {
  const look = lookOf(n);
  const labels = labelsText(n.labels);
  const title = `${look.emoji} ${n.severity.toUpperCase()} ${headline[n.reason]}: ${n.rule}${labels ? ` (${labels})` : ''}`;
  const said = n.message ? [textBlock(n.message)] : [textBlock(`**${escapeMarkdown(n.summary)}**`), textBlock(escapeMarkdown(whySent(n)), { spacing: 'Small' })];
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    // Without it Teams squeezes the card into a narrow bubble.
    msteams: { width: 'Full' },
    body: [
      { type: 'Container', style: look.style, bleed: true, items: [textBlock(escapeMarkdown(title), { size: 'Large', weight: 'Bolder', color: look.color })] },
      ...said,
      { type: 'FactSet', facts: facts(n) },
      ...(n.description ? [textBlock(escapeMarkdown(n.description), { isSubtle: true })] : []),
      textBlock(escapeMarkdown(`Vigia · ${n.channel} · notification ${n.notificationId}`), { isSubtle: true, size: 'Small' }),
    ],
    actions: actions(n),
  };
}

/** What a Teams Workflows webhook takes: a message whose one attachment is the card. */
export function teamsMessage(n: AlertNotification) {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(n) }],
  };
}
