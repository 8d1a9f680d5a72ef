import { PermanentError, RetryableError } from '@vigia/plugin-sdk';
import type { NodemailerError } from 'nodemailer';

// Failures that come from the configuration or the message rather than the network: sending the
// same thing again gets the same answer.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EREQUIRETLS']);

export interface AbortState {
  byHost: boolean;
  byTimeout: boolean;
  timeoutMs: number;
}

/**
 * SMTP replies follow RFC 5321: 5yz is a permanent refusal, 4yz transient (nodemailer marks them
 * with `permanent`). Without a reply, a failure to connect or a dropped connection is retryable;
 * missing credentials, a malformed envelope and the like are permanent.
 */
export function classifySmtpError(error: unknown, abort: AbortState): Error {
  if (abort.byHost) return new RetryableError('SMTP delivery aborted by the host', undefined, { cause: error });
  if (abort.byTimeout) return new RetryableError(`SMTP delivery did not finish within ${abort.timeoutMs} ms`, undefined, { cause: error });

  const e = (error ?? {}) as NodemailerError;
  const reply = e.response ? `: ${e.response}` : '';
  const step = e.command ? ` after ${e.command.split(' ')[0]}` : '';
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    const message = `SMTP server replied ${e.responseCode}${step}${reply}`;
    return permanent ? new PermanentError(message, { cause: error }) : new RetryableError(message, undefined, { cause: error });
  }
  const code = e.code ?? 'unknown';
  const detail = `${e.originalCode && e.originalCode !== code ? `${code}/${e.originalCode}` : code}: ${e.message ?? String(error)}`;
  if (PERMANENT_CODES.has(code)) return new PermanentError(`SMTP delivery refused (${detail})`, { cause: error });
  return new RetryableError(`SMTP delivery failed (${detail})`, undefined, { cause: error });
}
