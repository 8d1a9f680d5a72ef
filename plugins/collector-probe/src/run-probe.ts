import { checkDns } from './checks/dns.ts';
import { checkHttp } from './checks/http.ts';
import { checkPostgres } from './checks/postgres.ts';
import { checkRedis } from './checks/redis.ts';
import { checkTcp } from './checks/tcp.ts';
import { checkTls } from './checks/tls.ts';
import { cleanReason, describeError, seconds } from './reason.ts';
import { ProbeFailure, type ProbeCheck, type ProbeOutcome, type ProbeSpec } from './spec.ts';

export interface ProbeResult extends ProbeOutcome {
  durationSeconds: number;
}

function runCheck(check: ProbeCheck, signal: AbortSignal, timeoutMs: number): Promise<ProbeOutcome> {
  switch (check.type) {
    case 'http':
      return checkHttp(check, signal);
    case 'tcp':
      return checkTcp(check, signal);
    case 'dns':
      return checkDns(check, signal, timeoutMs);
    case 'tls':
      return checkTls(check, signal);
    case 'postgres':
      return checkPostgres(check, signal, timeoutMs);
    case 'redis':
      return checkRedis(check, signal, timeoutMs);
  }
}

/** Where a check goes, for messages: never with a URL's user or password. */
export function targetOf(check: ProbeCheck): string {
  switch (check.type) {
    case 'http':
    case 'postgres':
    case 'redis': {
      const url = new URL(check.url);
      return url.port ? `${url.hostname}:${url.port}` : url.hostname;
    }
    case 'tcp':
    case 'tls':
      return `${check.host}:${check.port}`;
    case 'dns':
      return check.name;
  }
}

function secretsOf(check: ProbeCheck): string[] {
  if (check.type !== 'http' && check.type !== 'postgres' && check.type !== 'redis') return [];
  const url = new URL(check.url);
  return [url.password, decodeURIComponent(url.password)].filter((s) => s.length >= 3);
}

/**
 * Runs one probe to an outcome within its own timeout, whatever the check does: a check that
 * ignores its signal is still left behind when the deadline passes. Never throws.
 */
export async function runProbe(spec: ProbeSpec, hostSignal?: AbortSignal): Promise<ProbeResult> {
  const deadline = AbortSignal.timeout(spec.timeoutMs);
  const signal = hostSignal ? AbortSignal.any([hostSignal, deadline]) : deadline;
  const started = performance.now();
  let outcome: ProbeOutcome;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      const fire = () => reject(signal.reason);
      if (signal.aborted) fire();
      else signal.addEventListener('abort', fire, { once: true });
    });
    outcome = await Promise.race([runCheck(spec.check, signal, spec.timeoutMs), timedOut]);
  } catch (error) {
    if (deadline.aborted) outcome = { ok: false, reason: `timed out after ${seconds(spec.timeoutMs)}` };
    else if (signal.aborted) outcome = { ok: false, reason: 'stopped by the worker before it finished' };
    else if (error instanceof ProbeFailure) outcome = { ok: false, reason: error.reason, ...error.details };
    else outcome = { ok: false, reason: describeError(error, targetOf(spec.check)) };
  }
  const durationSeconds = (performance.now() - started) / 1000;
  if (outcome.reason) outcome.reason = cleanReason(outcome.reason, secretsOf(spec.check));
  return { ...outcome, durationSeconds };
}
