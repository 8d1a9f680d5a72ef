import { defineNotifier, jsonPreview } from '@vigia/plugin-sdk';
import { ButtonRefused, callBotApi } from './bot-api.ts';
import { configSchema, type TelegramConfig } from './config.ts';
import { chatOf, sendMessageBody } from './message.ts';

/** Posts each notification to a Telegram chat through a bot (Bot API sendMessage). */
export default function telegramNotifier() {
  return defineNotifier<TelegramConfig>({
    name: 'telegram',
    description: 'Telegram: a bot posts to a chat, group or channel (HTML, Acknowledge / Open alert buttons)',
    configSchema,
    secrets: ['token'],

    // The bot token is in the URL path, which the preview leaves out; a reply's message id is known only when sending.
    preview: (notification, config) => jsonPreview(sendMessageBody(notification, config, { keyboard: true }), 'Bot API sendMessage'),

    async send(notification, { config, signal }) {
      // The receipt is the message id: later messages about the alert reply to it.
      const previous = Number(notification.previousExternalId?.split(':').at(-1));
      const replyTo = Number.isSafeInteger(previous) && previous > 0 ? previous : undefined;
      let answer;
      let detail = 'sent';
      try {
        answer = await callBotApi(config, 'sendMessage', sendMessageBody(notification, config, { keyboard: true, replyTo }), signal);
      } catch (error) {
        // Telegram refuses some button URLs (a Vigia at http://localhost): the alert still goes out, its links in the text.
        if (!(error instanceof ButtonRefused)) throw error;
        answer = await callBotApi(config, 'sendMessage', sendMessageBody(notification, config, { keyboard: false, replyTo }), signal);
        detail = `sent without buttons (${error.message})`;
      }
      const messageId = answer.result?.message_id;
      return { externalId: messageId === undefined ? undefined : `${answer.result?.chat?.id ?? chatOf(notification, config)}:${messageId}`, detail };
    },
  });
}
