import { defineNotifier } from '@vigia/plugin-sdk';
import { configSchema, type SlackConfig } from './config.ts';
import { postOnce } from '@vigia/plugin-sdk';
import { slackMessage } from './message.ts';
import { sendWithBot } from './web-api.ts';

/** Posts each notification to a Slack incoming webhook as a Block Kit message. */
export default function slackNotifier() {
  return defineNotifier<SlackConfig>({
    name: 'slack',
    description: 'Slack: incoming webhook, or a bot token that edits each alert’s message in place (Block Kit, buttons, links)',
    configSchema,
    secrets: ['webhook_url', 'bot_token'],

    async send(notification, { config, signal }) {
      if (config.bot_token) return sendWithBot(notification, config, signal);
      const headers = new Headers({ 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Vigia-Slack/1' });
      const response = await postOnce({
        url: config.webhook_url!,
        body: JSON.stringify(slackMessage(notification, config)),
        headers,
        timeoutMs: config.timeout_ms,
        signal,
      });
      // Slack answers a delivered message with the body "ok"; anything else is kept for the ledger.
      const answer = response.body.trim();
      return { detail: answer === 'ok' ? 'ok' : `HTTP ${response.status}: ${answer.slice(0, 200)}` };
    },
  });
}
