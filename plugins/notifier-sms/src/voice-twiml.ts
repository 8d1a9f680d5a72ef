import { formatDuration, labelsText, type AlertNotification } from '@vigia/plugin-sdk';

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const spokenOperator: Record<string, string> = { '>': 'above', '>=': 'at or above', '<': 'below', '<=': 'at or below', '==': 'equal to', '!=': 'not equal to' };

function spoken(value: number | null, unit?: string): string {
  if (value === null) return 'no data';
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return unit === '%' ? `${number} percent` : unit ? `${number} ${unit}` : number;
}

/** Calls are for alerts someone has to act on; news (acknowledged, resolved) goes unspoken. */
export const worthACall = (n: AlertNotification) => n.reason === 'new' || n.reason === 'repeat' || n.reason === 'escalated' || n.reason === 'test';

/** What the call says, twice, so someone woken by it catches it the second time. */
export function voiceTwiml(n: AlertNotification): string {
  let speech: string;
  if (n.reason === 'test') speech = `This is a test call from Vigia for channel ${n.channel}. No action is needed.`;
  else {
    const labels = labelsText(n.labels).replace(/=/g, ' ');
    const state =
      n.reason === 'new' ? 'is firing' : n.reason === 'escalated' ? `was escalated: firing for ${formatDuration(n.durationSeconds)}` : `is still firing after ${formatDuration(n.durationSeconds)}`;
    const wording =
      n.message?.trim() || `${n.rule} ${state}. Value ${spoken(n.value, n.unit)}, threshold ${spokenOperator[n.operator] ?? n.operator} ${spoken(n.threshold, n.unit)}.${labels ? ` ${labels}.` : ''}`;
    speech = `Vigia ${n.severity} alert. ${wording} Acknowledge it in Vigia to stop the calls.`;
  }
  return `<Response><Say loop="2">${escapeXml(speech)}</Say></Response>`;
}
