import { defineNotifier, httpAnswerOf, isPermanentError, jsonPreview, PermanentError, postOnce, RetryableError, type HttpAnswer } from '@vigia/plugin-sdk';
import { configSchema, type NtfyConfig } from './config.ts';
import { ntfyMessage } from './message.ts';

function headersFor(config: NtfyConfig): Headers {
  const headers = new Headers({ 'content-type': 'application/json', 'user-agent': 'Vigia-ntfy/1' });
  if (config.token) headers.set('authorization', `Bearer ${config.token}`);
  else if (config.username) headers.set('authorization', `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`);
  return headers;
}

/** ntfy's error JSON (`{"code": 40101, "http": 401, "error": "unauthorized"}`) in words. */
function ntfyErrorText(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.body) as { code?: unknown; error?: unknown };
    if (typeof body.error === 'string') return `ntfy: HTTP ${answer.status} ${body.error}${typeof body.code === 'number' ? ` (code ${body.code})` : ''}`;
  } catch {
    // not JSON: fall through
  }
  return `ntfy: HTTP ${answer.status}${answer.body.trim() ? ` ${answer.body.trim().slice(0, 200)}` : ''}`;
}

/** Publishes each notification to an ntfy topic, its priority set by severity. */
export default function ntfyNotifier() {
  return defineNotifier<NtfyConfig>({
    name: 'ntfy',
    description: 'ntfy: push to a topic on ntfy.sh or your own server, priority by severity, with open, acknowledge and runbook buttons',
    configSchema,
    secrets: ['token', 'password'],

    // The token or password travels in the Authorization header, which the preview leaves out.
    preview: (notification, config) => jsonPreview(ntfyMessage(notification, config), 'JSON publish'),

    async send(notification, { config, signal }) {
      let body: string;
      try {
        ({ body } = await postOnce({
          url: config.url,
          body: JSON.stringify(ntfyMessage(notification, config)),
          headers: headersFor(config),
          timeoutMs: config.timeout_ms,
          signal,
        }));
      } catch (error) {
        const answer = httpAnswerOf(error);
        if (!answer) throw error;
        if (isPermanentError(error)) throw new PermanentError(ntfyErrorText(answer), { cause: answer });
        throw new RetryableError(ntfyErrorText(answer), (error as RetryableError).retryAfterMs, { cause: answer });
      }
      try {
        const published = JSON.parse(body) as { id?: unknown };
        if (typeof published.id === 'string') return { externalId: published.id, detail: 'published' };
      } catch {
        // A 2xx without the message JSON still means ntfy took it.
      }
      return { detail: 'published' };
    },
  });
}
