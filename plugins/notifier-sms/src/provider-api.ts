import { httpAnswerOf, isPermanentError, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import type { SmsConfig } from './config.ts';

/** Twilio's error body: `{ code, message, more_info, status }`. */
function describe(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown; more_info?: unknown };
    if (parsed.code === undefined && parsed.message === undefined) return undefined;
    const info = typeof parsed.more_info === 'string' ? ` (${parsed.more_info})` : '';
    return `${parsed.code !== undefined ? `code ${String(parsed.code)}: ` : ''}${String(parsed.message ?? 'no message')}${info}`;
  } catch {
    return undefined;
  }
}

/** The SDK's error reworded with the provider's code and message; retryable or not as it was. */
function explain(error: unknown, what: string): unknown {
  const answer = httpAnswerOf(error);
  const said = answer && describe(answer.body);
  if (!answer || !said) return error;
  const text = `${what}: HTTP ${answer.status}, ${said}`;
  if (isPermanentError(error)) return new PermanentError(text, { cause: answer });
  return new RetryableError(text, (error as RetryableError).retryAfterMs, { cause: answer });
}

/**
 * One form-encoded POST to `<url>/2010-04-01/Accounts/<sid>/<resource>.json` with HTTP Basic
 * auth (sid:token), the shape of Twilio's REST API. Returns the created resource's sid.
 */
export async function createResource(config: SmsConfig, resource: 'Messages' | 'Calls', form: Record<string, string>, what: string, signal: AbortSignal): Promise<{ sid?: string; status?: string }> {
  const credentials = Buffer.from(`${config.account_sid}:${config.auth_token}`).toString('base64');
  let text: string;
  try {
    const response = await postOnce({
      url: `${config.url.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.account_sid)}/${resource}.json`,
      body: new URLSearchParams(form).toString(),
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${credentials}`, accept: 'application/json', 'user-agent': 'Vigia-SMS/1' }),
      timeoutMs: config.timeout_ms,
      signal,
    });
    text = response.body;
  } catch (error) {
    throw explain(error, what);
  }
  try {
    const created = JSON.parse(text) as { sid?: unknown; status?: unknown };
    return { sid: typeof created.sid === 'string' ? created.sid : undefined, status: typeof created.status === 'string' ? created.status : undefined };
  } catch {
    // Accepted (2xx) but not JSON: the message went out, only its id is unknown; retrying would send it twice.
    return {};
  }
}
