import { parseRetryAfter, type HttpAnswer } from '@vigia/plugin-sdk';

const seconds = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.ceil(n * 1000) : undefined;
};

/**
 * How long Discord asks us to wait after a 429. It says so three ways: the JSON body's
 * `retry_after` (seconds, fractional), `X-RateLimit-Reset-After` (seconds, fractional) and
 * `Retry-After` (whole seconds); the longest wins, so no bucket is hit again too early.
 */
export function discordRetryAfterMs(answer: HttpAnswer): number | undefined {
  let fromBody: number | undefined;
  try {
    fromBody = seconds((JSON.parse(answer.body) as { retry_after?: unknown }).retry_after);
  } catch {
    // Cloudflare's own 429 page is HTML: the headers still count.
  }
  const candidates = [fromBody, seconds(answer.headers.get('x-ratelimit-reset-after') ?? undefined), parseRetryAfter(answer.headers.get('retry-after'))].filter((n): n is number => n !== undefined);
  return candidates.length ? Math.max(...candidates) : undefined;
}

/** Discord's error JSON (`{"message": "Unknown Webhook", "code": 10015}`) in words. */
export function discordErrorText(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.body) as { message?: unknown; code?: unknown };
    if (typeof body.message === 'string') return `Discord: HTTP ${answer.status} ${body.message}${typeof body.code === 'number' && body.code ? ` (code ${body.code})` : ''}`;
  } catch {
    // not JSON: fall through
  }
  return `Discord: HTTP ${answer.status}${answer.body.trim() ? ` ${answer.body.trim().slice(0, 200)}` : ''}`;
}
