import { readStoredSlos } from '@vigia/alerting';
import type { SloConfig } from '@vigia/config';
import type { StoredSlo } from '@vigia/db';
import type { ApiDeps } from './deps.ts';

export interface CatalogedSlo {
  slo: SloConfig;
  /** `config`: monitoring.yaml, read-only here. `api`: made in the dashboard or the API. */
  source: 'config' | 'api';
  row?: StoredSlo;
}

/**
 * Every SLO the workers evaluate: monitoring.yaml's first, then the stored ones that validate and
 * whose names the file does not use (the same set and order the workers read, see readStoredSlos).
 */
export async function catalogSlos(deps: Pick<ApiDeps, 'config' | 'store'>): Promise<CatalogedSlo[]> {
  const stored = await readStoredSlos(deps.store.db, deps.config);
  return [...deps.config.slos.map((slo) => ({ slo, source: 'config' as const })), ...stored.slos.map((slo) => ({ slo, source: 'api' as const, row: stored.rows.get(slo.name) }))];
}
