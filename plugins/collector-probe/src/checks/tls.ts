import { expiredReason, inspectCertificate, untrustedReason } from '../certificate.ts';
import { ProbeFailure, type ProbeCheck, type ProbeOutcome } from '../spec.ts';

/** The certificate only: expired or not yet valid always fails; untrusted fails unless tls_verify is false. */
export async function checkTls(check: Extract<ProbeCheck, { type: 'tls' }>, signal: AbortSignal): Promise<ProbeOutcome> {
  const seen = await inspectCertificate(check.host, check.port, signal);
  const days = seen.daysLeft;
  if (days === undefined) throw new ProbeFailure('the server sent no certificate');
  if (days < 0) throw new ProbeFailure(expiredReason(days), { tlsDaysLeft: days });
  if (seen.validFrom !== undefined && seen.validFrom > Date.now()) throw new ProbeFailure('certificate is not valid yet', { tlsDaysLeft: days });
  if (check.tlsVerify && !seen.authorized) throw new ProbeFailure(untrustedReason(seen.error, check.host, days), { tlsDaysLeft: days });
  return { ok: true, tlsDaysLeft: days };
}
