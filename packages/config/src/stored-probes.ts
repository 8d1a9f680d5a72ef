import { formatIssues } from './load.ts';
import { maskProbe } from './probe-secrets.ts';
import { probeSchema, type ProbeConfig } from './probes.ts';

export type ProbeCheckResult = { ok: true; probe: ProbeConfig } | { ok: false; problems: string[] };

/**
 * One probe made in the dashboard or the API, checked by the same schema as `probes:` in
 * monitoring.yaml. Problems name the key under `where` (`probes.shop.http.url: must start with…`).
 */
export function checkProbe(name: string, spec: Record<string, unknown>, where = `probes.${name}`): ProbeCheckResult {
  const raw = { ...spec, name };
  const parsed = probeSchema.safeParse(raw);
  if (parsed.success) return { ok: true, probe: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues, raw).map((p) => (p.startsWith('(top level)') ? `${where}${p.slice('(top level)'.length)}` : `${where}.${p}`)) };
}

/** Where a probe goes, for lists: a URL without its secrets, or host:port, or the DNS name. */
export function probeTarget(check: ProbeConfig['check']): string {
  switch (check.type) {
    case 'http':
    case 'postgres':
    case 'redis':
      return (maskProbe({ [check.type]: { url: check.url } })[check.type] as { url: string }).url;
    case 'tcp':
    case 'tls':
      return `${check.host}:${check.port}`;
    case 'dns':
      return `${check.name} ${check.recordType}`;
  }
}
