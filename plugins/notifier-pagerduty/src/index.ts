import { defineNotifier, httpAnswerOf, isPermanentError, jsonPreview, MASKED, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import { configSchema, type PagerDutyConfig } from './config.ts';
import { enqueueBody } from './event.ts';

// PagerDuty sends no Retry-After with a 429 and asks for "a backoff of a few minutes".
const THROTTLED_WAIT_MS = 60_000;

/** PagerDuty's answer: {status, message, dedup_key} on success, {status, message, errors} when refused. */
interface EventsAnswer {
  status?: string;
  message?: string;
  dedup_key?: string;
  errors?: string[];
}

function parse(body: string): EventsAnswer | undefined {
  try {
    return JSON.parse(body) as EventsAnswer;
  } catch {
    return undefined;
  }
}

/** Re-words a refusal with PagerDuty's own message and errors; a 429 waits at least a minute. */
function explain(error: unknown): unknown {
  const answer = httpAnswerOf(error);
  if (!answer) return error;
  const said = parse(answer.body);
  const reason = said?.message ? `${said.message}${said.errors?.length ? `: ${said.errors.join('; ')}` : ''}` : answer.body.trim().slice(0, 300) || 'no details';
  const text = `PagerDuty Events API: HTTP ${answer.status}: ${reason}`;
  if (isPermanentError(error)) return new PermanentError(text, { cause: answer });
  const asked = (error as RetryableError).retryAfterMs;
  return new RetryableError(text, answer.status === 429 ? (asked ?? THROTTLED_WAIT_MS) : asked, { cause: answer });
}

/** Sends each notification as an Events API v2 event: trigger, acknowledge or resolve by the alert's id. */
export default function pagerDutyNotifier() {
  return defineNotifier<PagerDutyConfig>({
    name: 'pagerduty',
    description: 'PagerDuty Events API v2: one PagerDuty alert per Vigia alert, acknowledged and resolved with it',
    configSchema,
    secrets: ['routing_key'],

    preview(notification, config) {
      const event = enqueueBody(notification, config);
      // The routing key rides in the body and is the integration's credential.
      return jsonPreview({ ...event, routing_key: MASKED }, `Events API v2: ${event.event_action}`);
    },

    async send(notification, { config, signal }) {
      const event = enqueueBody(notification, config);
      let body: string;
      try {
        ({ body } = await postOnce({
          url: `${config.url.replace(/\/$/, '')}/v2/enqueue`,
          body: JSON.stringify(event),
          headers: new Headers({ 'content-type': 'application/json', 'user-agent': 'Vigia-PagerDuty/1' }),
          timeoutMs: config.timeout_ms,
          signal,
        }));
      } catch (error) {
        throw explain(error);
      }
      const answer = parse(body);
      return { externalId: answer?.dedup_key ?? event.dedup_key, detail: `${event.event_action}: ${answer?.message ?? 'accepted'}` };
    },
  });
}
