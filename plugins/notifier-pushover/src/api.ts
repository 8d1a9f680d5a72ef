import { httpAnswerOf, isPermanentError, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import type { PushoverConfig } from './config.ts';

type Answer = Record<string, unknown>;

function parse(text: string): Answer | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' ? (body as Answer) : undefined;
  } catch {
    return undefined;
  }
}

/** Pushover explains a refusal in `errors` (and marks the fields at fault): never the token itself. */
const errorsOf = (body: Answer | undefined) => (Array.isArray(body?.errors) ? body.errors.map(String).join('; ') : undefined);

/** Rewords the SDK's error with what Pushover said, and its message-limit reset as the retry delay. */
function explain(error: unknown, now = Date.now()): unknown {
  const answer = httpAnswerOf(error);
  if (!answer) return error;
  const said = errorsOf(parse(answer.body));
  if (answer.status === 429) {
    // Pushover answers 429 once the application's monthly message allowance is used up, and says
    // in X-Limit-App-Reset (a Unix time) when it starts again.
    const reset = Number(answer.headers.get('x-limit-app-reset'));
    const retryAfter = (error as RetryableError).retryAfterMs ?? (reset > 0 ? Math.max(0, reset * 1000 - now) : undefined);
    const until = reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
    return new RetryableError(`Pushover: the application's message limit is reached (HTTP 429${said ? `: ${said}` : ''})${until}`, retryAfter, { cause: answer });
  }
  if (isPermanentError(error) && said) return new PermanentError(`Pushover refused the request (HTTP ${answer.status}): ${said}`, { cause: answer });
  return error;
}

/** One POST to Pushover's API; returns its answer when `status` is 1. */
export async function pushoverPost(config: PushoverConfig, path: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<Answer> {
  let text: string;
  try {
    const response = await postOnce({
      url: `${config.url.replace(/\/$/, '')}${path}`,
      body: JSON.stringify(payload),
      headers: new Headers({ 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Vigia-Pushover/1' }),
      timeoutMs: config.timeout_ms,
      signal,
    });
    text = response.body;
  } catch (error) {
    throw explain(error);
  }
  const body = parse(text);
  if (body?.status === 1) return body;
  throw new PermanentError(`Pushover did not accept the request: ${errorsOf(body) ?? (body ? 'status is not 1' : 'the answer is not JSON')}`);
}
