/** Seconds as people write them: 5 s, 0.5 s. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

type NetError = Error & { code?: string; address?: string; port?: number; hostname?: string; errors?: unknown[] };

/**
 * A socket, DNS or library error in words a person can act on. Node reports a host with several
 * addresses that all fail as one AggregateError; its first error says enough.
 */
export function describeError(error: unknown, target: string): string {
  let e = error as NetError;
  if (e && Array.isArray(e.errors) && e.errors.length) e = e.errors[0] as NetError;
  const at = e?.address ? `${e.address.includes(':') ? `[${e.address}]` : e.address}${e.port ? `:${e.port}` : ''}` : target;
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
      return `${target} did not answer with TLS`;
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
      return `${target} did not answer with HTTP`;
    default: {
      const message = (e?.message ?? String(error)).split('\n')[0]!.trim();
      return message || `failed (${e?.code ?? 'unknown error'})`;
    }
  }
}

/** Reasons become label values and facts: one line, bounded, and never a URL's password. */
export function cleanReason(reason: string, secrets: string[] = []): string {
  let out = reason.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}
