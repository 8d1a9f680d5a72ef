import { defineNotifier, isPermanentError, jsonPreview, MASKED } from '@vigia/plugin-sdk';
import { pushoverPost } from './api.ts';
import { configSchema, type PushoverConfig } from './config.ts';
import { alertTag, pushoverMessage, sendsEmergencies } from './message.ts';

/** Sends each notification as a Pushover message, its priority set by the alert's severity. */
export default function pushoverNotifier() {
  return defineNotifier<PushoverConfig>({
    name: 'pushover',
    description: 'Pushover push notifications: priority by severity, emergency repeats until acknowledged',
    configSchema,
    secrets: ['token', 'user'],

    preview(notification, config) {
      const message = pushoverMessage(notification, config);
      // The body carries the application token and the user (or group) key: both are credentials.
      return jsonPreview({ ...message, token: MASKED, user: MASKED }, 'POST /1/messages.json');
    },

    async send(notification, { config, logger, signal }) {
      let cancelled = '';
      if ((notification.reason === 'acknowledged' || notification.reason === 'resolved') && sendsEmergencies(config)) {
        // Emergency messages repeat on the phone until someone acknowledges them in the app; once
        // the alert is handled in Vigia, those repeats stop. A permanent refusal here (e.g. no
        // such tag any more) must not hold back the message itself; a retryable one retries both.
        try {
          const answer = await pushoverPost(config, `/1/receipts/cancel_by_tag/${alertTag(notification.alertId)}.json`, { token: config.token }, signal);
          cancelled = `; emergency repeats cancelled: ${Number(answer.canceled ?? 0)}`;
        } catch (error) {
          if (!isPermanentError(error)) throw error;
          logger.warn('Pushover did not cancel the emergency repeats', { alert: notification.alertId, error: (error as Error).message });
        }
      }
      const answer = await pushoverPost(config, '/1/messages.json', pushoverMessage(notification, config), signal);
      const receipt = typeof answer.receipt === 'string' ? answer.receipt : undefined;
      const request = typeof answer.request === 'string' ? answer.request : undefined;
      return { externalId: receipt ?? request, detail: `${receipt ? `emergency receipt ${receipt}` : `request ${request ?? '?'}`}${cancelled}` };
    },
  });
}
