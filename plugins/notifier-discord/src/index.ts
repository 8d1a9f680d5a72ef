import { defineNotifier, httpAnswerOf, isPermanentError, jsonPreview, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import { configSchema, type DiscordConfig } from './config.ts';
import { discordMessage } from './message.ts';
import { discordErrorText, discordRetryAfterMs } from './rate-limit.ts';

function executeUrl(config: DiscordConfig): string {
  const url = new URL(config.url);
  // wait=true makes Discord answer with the message it created (its id is the receipt) instead of 204.
  url.searchParams.set('wait', 'true');
  if (config.thread_id) url.searchParams.set('thread_id', config.thread_id);
  return url.toString();
}

/** Posts each notification to a Discord channel webhook as an embed coloured by severity. */
export default function discordNotifier() {
  return defineNotifier<DiscordConfig>({
    name: 'discord',
    description: 'Discord: channel webhook, one embed per notification coloured by severity, with alert, acknowledge and runbook links',
    configSchema,
    secrets: ['url'],

    // The webhook URL holds the token: the preview is the message body only.
    preview: (notification, config) => jsonPreview(discordMessage(notification, config), 'Webhook message with an embed'),

    async send(notification, { config, signal }) {
      let body: string;
      try {
        ({ body } = await postOnce({
          url: executeUrl(config),
          body: JSON.stringify(discordMessage(notification, config)),
          headers: new Headers({ 'content-type': 'application/json', 'user-agent': 'Vigia-Discord/1' }),
          timeoutMs: config.timeout_ms,
          signal,
        }));
      } catch (error) {
        const answer = httpAnswerOf(error);
        if (!answer) throw error;
        // The webhook URL never appears in these messages: it is the credential.
        if (isPermanentError(error)) throw new PermanentError(discordErrorText(answer), { cause: answer });
        throw new RetryableError(discordErrorText(answer), discordRetryAfterMs(answer), { cause: answer });
      }
      try {
        const message = JSON.parse(body) as { id?: unknown };
        if (typeof message.id === 'string') return { externalId: message.id, detail: 'posted' };
      } catch {
        // A 2xx without the message JSON still means Discord took it.
      }
      return { detail: 'posted' };
    },
  });
}
