import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';

const DAY_MS = 86_400_000;

/** Days from `now` until the certificate's notAfter; negative once it has expired. */
export function daysLeft(cert: Pick<PeerCertificate, 'valid_to'>, now = Date.now()): number | undefined {
  const notAfter = Date.parse(cert.valid_to);
  return Number.isNaN(notAfter) ? undefined : (notAfter - now) / DAY_MS;
}

/** "certificate expired 3 days ago" (hours while it is less than a day). */
export function expiredReason(days: number): string {
  const ago = -days;
  if (ago >= 1) {
    const n = Math.floor(ago);
    return `certificate expired ${n} day${n === 1 ? '' : 's'} ago`;
  }
  const hours = Math.max(1, Math.floor(ago * 24));
  return `certificate expired ${hours} hour${hours === 1 ? '' : 's'} ago`;
}

/** Node's verification codes, in words. */
export function untrustedReason(code: string | undefined, host: string, days?: number): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return days !== undefined ? expiredReason(days) : 'certificate expired';
    case 'CERT_NOT_YET_VALID':
      return 'certificate is not valid yet';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'certificate is self-signed and not trusted (set tls_verify: false to accept it)';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `certificate is not for ${host}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'certificate chain is incomplete or its issuer is not trusted';
    default:
      return `certificate not trusted${code ? ` (${code})` : ''}`;
  }
}

export interface CertificateSeen {
  daysLeft?: number;
  authorized: boolean;
  /** Node's code for why it is not trusted, when it is not. */
  error?: string;
  validFrom?: number;
}

/**
 * Handshakes without trusting and reads the server's certificate, so an expired or self-signed
 * one can be reported with its dates instead of a bare verification error. Sends nothing.
 */
export function inspectCertificate(host: string, port: number, signal: AbortSignal): Promise<CertificateSeen> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket: TLSSocket = connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    const abort = () => socket.destroy(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    const done = () => signal.removeEventListener('abort', abort);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const seen: CertificateSeen = {
        daysLeft: cert && cert.valid_to ? daysLeft(cert) : undefined,
        authorized: socket.authorized,
        error: socket.authorized ? undefined : String((socket.authorizationError as unknown as { code?: string })?.code ?? socket.authorizationError ?? ''),
        validFrom: cert?.valid_from ? Date.parse(cert.valid_from) : undefined,
      };
      done();
      socket.end();
      resolve(seen);
    });
    socket.once('error', (error) => {
      done();
      reject(error);
    });
  });
}
