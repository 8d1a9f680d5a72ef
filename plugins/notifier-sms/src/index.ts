import { defineNotifier } from '@vigia/plugin-sdk';
import { configSchema, type SmsConfig } from './config.ts';
import { createResource } from './provider-api.ts';
import { smsBody } from './sms-body.ts';
import { voiceTwiml, worthACall } from './voice-twiml.ts';

/** SMS (or voice calls) through Twilio or any provider with the same Messages/Calls API. */
export default function smsNotifier() {
  return defineNotifier<SmsConfig>({
    name: 'sms',
    description: 'SMS or voice calls through a Twilio-shaped provider API, one message per phone number',
    configSchema,
    secrets: ['auth_token'],
    // One copy per number: each carries acknowledge links signed for that number.
    recipients: (config) => config.to,

    async send(notification, { config, signal }) {
      // The host names the number for every copy (recipients above); the first is only a fallback.
      const to = notification.recipient ?? config.to[0]!;
      if (config.voice) {
        if (!worthACall(notification)) return { detail: `no call to ${to}: nobody needs waking for "${notification.reason}"` };
        const call = await createResource(config, 'Calls', { To: to, From: config.from, Twiml: voiceTwiml(notification) }, `call to ${to}`, signal);
        return { externalId: call.sid, detail: `call to ${to} ${call.status ?? 'created'}${call.sid ? ` (${call.sid})` : ''}` };
      }
      const message = await createResource(config, 'Messages', { To: to, From: config.from, Body: smsBody(notification) }, `SMS to ${to}`, signal);
      return { externalId: message.sid, detail: `SMS to ${to} ${message.status ?? 'accepted'}${message.sid ? ` (${message.sid})` : ''}` };
    },
  });
}
