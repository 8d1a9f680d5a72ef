import { formatDuration, formatValue, labelsText, safeUrl, wantsAck, type AlertNotification } from '@vigia/plugin-sdk';

/** Two concatenated GSM-7 segments: longer texts cost more and arrive split on old phones. */
export const SMS_MAX = 320;
// Enough of the wording must remain for the text to say what happened; a longer link is dropped.
const MIN_TEXT = 80;

// Plain ASCII only: one character outside GSM-7 (an ellipsis, a middle dot) turns the whole
// message into UCS-2, which holds 70 characters a segment instead of 160.
const toGsmSafe = (text: string) => text.replace(/[…]/g, '...').replace(/[^\x20-\x7e\n]/g, '?');
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

function wording(n: AlertNotification): string {
  const severity = n.severity.toUpperCase();
  const labels = labelsText(n.labels);
  const measured = `${formatValue(n.value, n.unit)} (${n.operator} ${formatValue(n.threshold, n.unit)})${labels ? ` ${labels}` : ''}`;
  const lasted = formatDuration(n.durationSeconds);
  switch (n.reason) {
    case 'new':
      return `${severity} firing: ${n.rule} ${measured}`;
    case 'repeat':
      return `${severity} still firing after ${lasted}: ${n.rule} ${measured}`;
    case 'escalated':
      return `${severity} ESCALATED after ${lasted}: ${n.rule} ${measured}`;
    case 'acknowledged':
      return `ACK${n.acknowledgedBy ? ` by ${n.acknowledgedBy}` : ''}: ${n.rule} (${severity}) ${measured}${n.comment ? ` "${n.comment}"` : ''}`;
    case 'resolved':
      return `RESOLVED after ${lasted}: ${n.rule} (${severity}) now ${formatValue(n.value, n.unit)}`;
    case 'test':
      return `Vigia test: this number gets Vigia alerts from channel ${n.channel}. No action needed.`;
  }
}

/** The SMS text: what happened in a few words (or the channel's template text), then one link. */
export function smsBody(n: AlertNotification): string {
  const ack = wantsAck(n) ? safeUrl(n.links.acknowledge) : undefined;
  const open = safeUrl(n.links.alert);
  const candidates = [...(ack ? [`Ack: ${ack}`] : []), ...(open ? [open] : [])];
  const link = candidates.find((l) => l.length + 1 <= SMS_MAX - MIN_TEXT);
  const text = toGsmSafe(n.message?.trim() || wording(n));
  return link ? `${clip(text, SMS_MAX - link.length - 1)} ${link}` : clip(text, SMS_MAX);
}
