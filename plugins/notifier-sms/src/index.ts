import { defineNotifier, type AlertNotification } from '@vigia/plugin-sdk';
import { configSchema, type SmsConfig } from './config.ts';
import { createResource } from './provider-api.ts';
import { smsBody } from './sms-body.ts';
import { voiceTwiml, worthACall } from './voice-twiml.ts';

/** What a copy says: the SMS text, or the TwiML a call reads out (none when nobody needs waking). */
function spoken(n: AlertNotification, config: SmsConfig): { resource: 'Messages'; text: string } | { resource: 'Calls'; twiml: string | null } {
  if (config.voice) return { resource: 'Calls', twiml: worthACall(n) ? voiceTwiml(n) : null };
  return { resource: 'Messages', text: smsBody(n) };
}

/** SMS (or voice calls) through Twilio or any provider with the same Messages/Calls API. */
export default function smsNotifier() {
  return defineNotifier<SmsConfig>({
    name: 'sms',
    description: 'SMS or voice calls through a Twilio-shaped provider API, one message per phone number',
    configSchema,
    secrets: ['auth_token'],
    // One copy per number: each carries acknowledge links signed for that number.
    recipients: (config) => config.to,

    // The account's auth token is in the Authorization header, which the preview leaves out.
    preview(notification, config) {
      const what = spoken(notification, config);
      if (what.resource === 'Messages') return { format: 'text', title: `SMS (one per number, ${what.text.length} characters)`, body: what.text };
      if (what.twiml === null) return { format: 'text', title: 'No call', body: `No call: nobody needs waking for "${notification.reason}".` };
      return { format: 'text', title: 'Voice call: the TwiML it reads out', body: what.twiml };
    },

    async send(notification, { config, signal }) {
      // The host names the number for every copy (recipients above); the first is only a fallback.
      const to = notification.recipient ?? config.to[0]!;
      const what = spoken(notification, config);
      if (what.resource === 'Calls') {
        if (what.twiml === null) return { detail: `no call to ${to}: nobody needs waking for "${notification.reason}"` };
        const call = await createResource(config, 'Calls', { To: to, From: config.from, Twiml: what.twiml }, `call to ${to}`, signal);
        return { externalId: call.sid, detail: `call to ${to} ${call.status ?? 'created'}${call.sid ? ` (${call.sid})` : ''}` };
      }
      const message = await createResource(config, 'Messages', { To: to, From: config.from, Body: what.text }, `SMS to ${to}`, signal);
      return { externalId: message.sid, detail: `SMS to ${to} ${message.status ?? 'accepted'}${message.sid ? ` (${message.sid})` : ''}` };
    },
  });
}
