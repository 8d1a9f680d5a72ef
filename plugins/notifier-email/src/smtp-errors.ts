import { PermanentError, RetryableError } from '@vigia/plugin-sdk';
import type { NodemailerError } from 'nodemailer';
import type { SmtpProgress } from './smtp-progress.ts';

// Failures that come from the configuration or the message rather than the network: sending the
// same thing again gets the same answer.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE', 'EREQUIRETLS']);

/** What went on when a delivery failed: the server it was for and how far the session got. */
export interface FailureContext {
  host: string;
  port: number;
  timeoutMs: number;
  /** The host (the worker) cancelled the delivery. */
  byHost: boolean;
  /** The plugin's own budget for the whole delivery ran out. */
  byTimeout: boolean;
  progress: SmtpProgress;
}

/**
 * Every message names the server (host:port) and the cause, so whoever reads the delivery ledger
 * can tell a wrong port from a firewall from a bad password. SMTP replies follow RFC 5321: 5yz is
 * a permanent refusal, 4yz transient (nodemailer marks them with `permanent`). Without a reply, a
 * failure to connect or a dropped connection is retryable; missing credentials, a malformed
 * envelope and the like are permanent.
 */
export function classifySmtpError(error: unknown, context: FailureContext): Error {
  const server = `${context.host}:${context.port}`;
  const e = (error ?? {}) as NodemailerError & { timeoutType?: string };
  if (context.byHost) return new RetryableError(`SMTP delivery to ${server} aborted by the host`, undefined, { cause: error });
  if (context.byTimeout || e.code === 'ETIMEDOUT') return new RetryableError(timeoutMessage(server, context), undefined, { cause: error });

  const reply = e.response ? `: ${e.response}` : '';
  const step = e.command && e.command !== 'CONN' ? ` after ${e.command.split(' ')[0]}` : '';
  if (typeof e.responseCode === 'number') {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    const message = `SMTP server ${server} replied ${e.responseCode}${step}${reply}`;
    return permanent ? new PermanentError(message, { cause: error }) : new RetryableError(message, undefined, { cause: error });
  }
  const code = e.code ?? 'unknown';
  const cause = e.originalCode && e.originalCode !== code ? e.originalCode : code;
  const detail = `${cause}: ${(e.message ?? String(error)).trim()}`;
  if (code === 'EAUTH' || code === 'ENOAUTH') return new PermanentError(`SMTP server ${server} refused the login (${detail})`, { cause: error });
  if (PERMANENT_CODES.has(code)) return new PermanentError(`SMTP delivery to ${server} refused (${detail})`, { cause: error });
  if (code === 'ETLS' || /SSL|TLS|CERT/.test(cause)) return new RetryableError(`TLS with SMTP server ${server} failed (${detail})`, undefined, { cause: error });
  if (cause === 'ECONNREFUSED') return new RetryableError(`could not connect to SMTP server ${server}: connection refused (ECONNREFUSED)`, undefined, { cause: error });
  if (!context.progress.connected) return new RetryableError(`could not connect to SMTP server ${server} (${detail})`, undefined, { cause: error });
  return new RetryableError(`SMTP delivery to ${server} failed (${detail})`, undefined, { cause: error });
}

function timeoutMessage(server: string, { progress, timeoutMs }: FailureContext): string {
  if (!progress.connected) return `could not connect to SMTP server ${server}: timeout connecting (no connection within ${timeoutMs} ms)`;
  if (!progress.greeted) return `SMTP server ${server} accepted the connection but sent no greeting within ${timeoutMs} ms`;
  const after = progress.lastCommand ? `no reply to ${progress.lastCommand}` : 'no reply';
  return `SMTP server ${server} stopped answering: ${after} within ${timeoutMs} ms`;
}
