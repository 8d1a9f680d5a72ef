import { defineNotifier, jsonPreview, postOnce } from '@vigia/plugin-sdk';
import { configSchema, type SlackConfig } from './config.ts';
import { actionsRoute } from './inbound/actions-route.ts';
import { commandsRoute } from './inbound/commands-route.ts';
import { slackMessage } from './message.ts';
import { postMessageBody, sendWithBot } from './web-api.ts';

/**
 * Posts each notification to a Slack incoming webhook as a Block Kit message; takes Slack's
 * button clicks and the status page slash command back through its inbound routes.
 */
export default function slackNotifier() {
  return defineNotifier<SlackConfig>({
    name: 'slack',
    description: 'Slack: incoming webhook, or a bot token that edits each alert’s message in place (Block Kit, buttons, links)',
    configSchema,
    secrets: ['webhook_url', 'bot_token'],

    // The webhook URL and the bot token are credentials and stay out: the preview is the body.
    preview: (notification, config) =>
      config.bot_token
        ? jsonPreview(postMessageBody(notification, config), 'Web API chat.postMessage (later messages about the alert edit it)')
        : jsonPreview(slackMessage(notification, config), 'Incoming webhook message'),

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

    inboundRoutes: (ctx) => [actionsRoute(ctx), commandsRoute(ctx)],
  });
}
