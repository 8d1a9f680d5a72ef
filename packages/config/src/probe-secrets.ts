/**
 * Secrets in a probe as it is written under `probes:` (a URL's password, a token in its query, an
 * Authorization header). The API and the dashboard show them as `***`; an edit that sends `***`
 * back keeps the stored value, so a person can change the interval without retyping a token.
 */

export const MASK = '***';

const SECRET_NAME = /auth|token|secret|password|passwd|pass$|key|cookie|session|signature|sig$|credential/i;

type RawProbe = Record<string, unknown>;
const URL_CHECKS = ['http', 'postgres', 'redis'] as const;

function mapUrl(value: unknown, fn: (url: URL) => void): unknown {
  if (typeof value !== 'string') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  fn(url);
  return url.toString();
}

function maskUrl(value: unknown): unknown {
  return mapUrl(value, (url) => {
    if (url.password) url.password = MASK;
    for (const name of [...url.searchParams.keys()]) if (SECRET_NAME.test(name)) url.searchParams.set(name, MASK);
  });
}

function restoreUrl(value: unknown, stored: unknown): unknown {
  if (typeof stored !== 'string' || typeof value !== 'string' || !value.includes(encodeURIComponent(MASK)) && !value.includes(MASK)) return value;
  let before: URL;
  try {
    before = new URL(stored);
  } catch {
    return value;
  }
  return mapUrl(value, (url) => {
    if (decodeURIComponent(url.password) === MASK) url.password = before.password;
    for (const [name, v] of [...url.searchParams]) if (v === MASK && before.searchParams.has(name)) url.searchParams.set(name, before.searchParams.get(name)!);
  });
}

function checkOf(probe: RawProbe): [string, Record<string, unknown>] | undefined {
  for (const type of URL_CHECKS) {
    const check = probe[type];
    if (check && typeof check === 'object' && !Array.isArray(check)) return [type, check as Record<string, unknown>];
  }
  return undefined;
}

/** The probe with every secret shown as `***` (a copy; the argument is left as it is). */
export function maskProbe<T extends RawProbe>(probe: T): T {
  const found = checkOf(probe);
  if (!found) return probe;
  const [type, check] = found;
  const masked: Record<string, unknown> = { ...check, url: maskUrl(check.url) };
  if (check.headers && typeof check.headers === 'object') {
    masked.headers = Object.fromEntries(Object.entries(check.headers as Record<string, unknown>).map(([k, v]) => [k, SECRET_NAME.test(k) ? MASK : v]));
  }
  return { ...probe, [type]: masked };
}

/** `incoming` with each `***` a person sent back replaced by the secret stored at the same place. */
export function restoreProbeSecrets(incoming: RawProbe, stored: RawProbe | undefined): RawProbe {
  const found = checkOf(incoming);
  if (!found || !stored) return incoming;
  const [type, check] = found;
  const before = stored[type] as Record<string, unknown> | undefined;
  if (!before || typeof before !== 'object') return incoming;
  const restored: Record<string, unknown> = { ...check, url: restoreUrl(check.url, before.url) };
  if (check.headers && typeof check.headers === 'object') {
    const old = (before.headers ?? {}) as Record<string, unknown>;
    restored.headers = Object.fromEntries(Object.entries(check.headers as Record<string, unknown>).map(([k, v]) => [k, v === MASK && typeof old[k] === 'string' ? old[k] : v]));
  }
  return { ...incoming, [type]: restored };
}
