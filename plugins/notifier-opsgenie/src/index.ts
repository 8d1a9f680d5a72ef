import { defineNotifier, httpAnswerOf, isPermanentError, jsonPreview, parseRetryAfter, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import { configSchema, type OpsgenieConfig } from './config.ts';
import { alertRequest } from './requests.ts';

/** Opsgenie's answer: {result, took, requestId} when accepted, {message, errors?, took, requestId} when not. */
interface OpsgenieAnswer {
  result?: string;
  message?: string;
  errors?: Record<string, string>;
  requestId?: string;
}

function parse(body: string): OpsgenieAnswer | undefined {
  try {
    return JSON.parse(body) as OpsgenieAnswer;
  } catch {
    return undefined;
  }
}

/**
 * Re-words a refusal with Opsgenie's message and field errors. A throttled request says which
 * bucket it overflowed in X-RateLimit-Period-In-Sec (1 or 60): that is how long to wait.
 */
function explain(error: unknown, action: string): unknown {
  const answer = httpAnswerOf(error);
  if (!answer) return error;
  const said = parse(answer.body);
  const fields = said?.errors
    ? Object.entries(said.errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')
    : '';
  const reason = said?.message ? `${said.message}${fields ? ` (${fields})` : ''}` : answer.body.trim().slice(0, 300) || 'no details';
  const text = `Opsgenie ${action}: HTTP ${answer.status}: ${reason}`;
  if (isPermanentError(error)) return new PermanentError(text, { cause: answer });
  const period = parseRetryAfter(answer.headers.get('x-ratelimit-period-in-sec'));
  return new RetryableError(text, (error as RetryableError).retryAfterMs ?? period, { cause: answer });
}

/** Creates, acknowledges and closes one Opsgenie alert per Vigia alert through the Alert API. */
export default function opsgenieNotifier() {
  return defineNotifier<OpsgenieConfig>({
    name: 'opsgenie',
    description: 'Opsgenie Alert API: one Opsgenie alert per Vigia alert, acknowledged and closed with it',
    configSchema,
    secrets: ['api_key'],

    // The API key travels in the Authorization header, which the preview leaves out.
    preview(notification, config) {
      const request = alertRequest(notification, config);
      return jsonPreview(request.body, `Alert API ${request.action}: POST ${request.path}`);
    },

    async send(notification, { config, signal }) {
      const request = alertRequest(notification, config);
      let body: string;
      try {
        ({ body } = await postOnce({
          url: `${config.url.replace(/\/$/, '')}${request.path}`,
          body: JSON.stringify(request.body),
          headers: new Headers({ 'content-type': 'application/json', authorization: `GenieKey ${config.api_key}`, 'user-agent': 'Vigia-Opsgenie/1' }),
          timeoutMs: config.timeout_ms,
          signal,
        }));
      } catch (error) {
        throw explain(error, request.action);
      }
      // 202: Opsgenie queues the request; its requestId is what its support can trace.
      const answer = parse(body);
      return { externalId: answer?.requestId, detail: `${request.action}: ${answer?.result ?? 'accepted'}` };
    },
  });
}
