/** Seconds as people write them: 5 s, 0.5 s. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

type NetError = Error & { code?: string; address?: string; port?: number; hostname?: string; errors?: unknown[] };

const CERT_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed (give tls.ca_file, or tls.insecure_skip_verify: true)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in an unknown CA (give tls.ca_file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by an unknown CA (give tls.ca_file)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by an unknown CA (give tls.ca_file)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another name (set tls.server_name)',
};

/**
 * A socket, TLS or DNS error in words a person can act on. Node reports a host with several
 * addresses that all fail as one AggregateError; its first error says enough.
 */
export function describeError(error: unknown, target: string): string {
  let e = error as NetError;
  if (e && Array.isArray(e.errors) && e.errors.length) e = e.errors[0] as NetError;
  const at = e?.address ? `${e.address.includes(':') ? `[${e.address}]` : e.address}${e.port ? `:${e.port}` : ''}` : target;
  if (e?.code && CERT_ERRORS[e.code]) return `TLS: ${target} refused: ${CERT_ERRORS[e.code]}`;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `connection refused ${at}`;
    case 'ECONNRESET':
      return `connection reset by ${at}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${at}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${e.hostname ?? target} not found (DNS)`;
    case 'EPIPE':
      return `connection closed by ${at}`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return `${target} did not answer with TLS (http:// rather than https://?)`;
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
      return `${target} did not answer with HTTP`;
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `${target} sent a gzip body that does not decompress`;
    default: {
      const message = (e?.message ?? String(error)).split('\n')[0]!.trim();
      return message || `failed (${e?.code ?? 'unknown error'})`;
    }
  }
}

/** Reasons become facts and log lines: one line, bounded, and never a secret. */
export function cleanReason(reason: string, secrets: string[] = []): string {
  let out = reason.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('***');
  return out.length > 300 ? `${out.slice(0, 299)}…` : out;
}
