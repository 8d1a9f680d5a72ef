import { isIP } from 'node:net';

/** Names Fastify's proxy-addr expands itself (loopback: 127.0.0.1/8 and ::1; uniquelocal: 10/8, 172.16/12, 192.168/16, fc00::/7). */
export const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/**
 * What is wrong with one entry of VIGIA_TRUST_PROXY, or undefined when Fastify can use it.
 * Checked here so a typo stops the start with a message naming the variable, not Fastify's bare TypeError.
 */
export function proxyEntryProblem(entry: string): string | undefined {
  if ((PROXY_RANGE_NAMES as readonly string[]).includes(entry)) return undefined;
  const slash = entry.lastIndexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return `is not an IP address or CIDR range (write it like 10.0.0.1, 172.16.0.0/12 or ::1, or one of ${PROXY_RANGE_NAMES.join(', ')})`;
  if (slash === -1) return undefined;
  const bits = entry.slice(slash + 1);
  const max = version === 4 ? 32 : 128;
  // A /0 would trust every client, which is what leaving the variable unset is there to prevent.
  if (!/^\d+$/.test(bits) || Number(bits) < 1 || Number(bits) > max) return `has an invalid prefix length (use 1 to ${max} after the /)`;
  return undefined;
}
