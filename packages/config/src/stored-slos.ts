import { formatIssues } from './load.ts';
import { sloSchema, type SloConfig } from './slos.ts';

export type SloCheckResult = { ok: true; slo: SloConfig } | { ok: false; problems: string[] };

/**
 * One SLO made in the dashboard or the API, checked by the same schema as `slos:` in
 * monitoring.yaml. Problems name the key under `where` (`slos.checkout.objective: must be…`).
 */
export function checkSlo(name: string, spec: Record<string, unknown>, where = `slos.${name}`): SloCheckResult {
  const raw = { ...spec, name };
  const parsed = sloSchema.safeParse(raw);
  if (parsed.success) return { ok: true, slo: parsed.data as SloConfig };
  return { ok: false, problems: formatIssues(parsed.error.issues, raw).map((p) => (p.startsWith('(top level)') ? `${where}${p.slice('(top level)'.length)}` : `${where}.${p}`)) };
}
