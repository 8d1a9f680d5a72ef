// A helper for notifier plugins that POST to HTTP receivers (webhook, Slack, …): one attempt,
// its outcome sorted into the SDK's retryable and permanent errors.
import { PermanentError, RetryableError } from './errors.ts';

export interface PostRequest {
  url: string;
  body: string;
  headers: Headers;
  timeoutMs: number;
  /** The host's signal: aborting it stops the request wherever it is. */
  signal: AbortSignal;
}

export interface PostResponse {
  status: number;
  body: string;
}

/**
 * The receiver's answer behind a failed POST (the `cause` of the error postOnce throws), for
 * plugins that read a service's own error body or rate-limit headers (X-RateLimit-Reset-After…).
 */
export class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Headers,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpAnswer';
  }
}

/** The receiver's answer a postOnce error carries, if it got one. */
export function httpAnswerOf(error: unknown): HttpAnswer | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof HttpAnswer ? cause : undefined;
}

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeNetworkError(error: unknown): string {
  // undici wraps the socket error ("fetch failed"); its cause says what actually happened.
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * POSTs once and sorts the outcome: 2xx is returned, 408/429/5xx and network failures become
 * RetryableError (with Retry-After), any other status a PermanentError. The URL is left out of
 * every message because for some receivers (Slack) the URL itself is the secret.
 */
export async function postOnce(request: PostRequest): Promise<PostResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  let body: string;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([request.signal, timeout]),
      // A followed 301/302 turns the POST into a GET and may carry credentials to another host.
      redirect: 'manual',
    });
    // The timeout covers the body too, so a receiver that trickles its answer cannot hold us.
    body = await response.text();
  } catch (error) {
    if (request.signal.aborted) throw new RetryableError('request aborted by the host', undefined, { cause: error });
    if (timeout.aborted) throw new RetryableError(`no response within ${request.timeoutMs} ms`, undefined, { cause: error });
    throw new RetryableError(`network error: ${describeNetworkError(error)}`, undefined, { cause: error });
  }

  const { status } = response;
  if (status >= 200 && status < 300) return { status, body };
  const said = body.trim() ? `: ${clip(body.trim())}` : '';
  const cause = new HttpAnswer(status, body, response.headers);
  if (status === 408 || status === 429 || status >= 500) {
    throw new RetryableError(`HTTP ${status}${said}`, parseRetryAfter(response.headers.get('retry-after')), { cause });
  }
  if (status >= 300 && status < 400) {
    throw new PermanentError(`HTTP ${status} redirect: configure the final URL instead (redirects are not followed)`, { cause });
  }
  throw new PermanentError(`HTTP ${status}${said}`, { cause });
}
