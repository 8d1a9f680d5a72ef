import { asc } from 'drizzle-orm';
import { checkSlo, type SloConfig, type VigiaConfig } from '@vigia/config';
import { slos, type Database, type StoredSlo } from '@vigia/db';

export interface StoredSloSet {
  /** The stored SLOs that are valid and whose names monitoring.yaml does not use, by name. */
  slos: SloConfig[];
  /** The row behind each SLO of `slos`, by name. */
  rows: Map<string, StoredSlo>;
  /** Rows left out, and why: a name the file took since, or a spec that no longer validates. */
  skipped: { name: string; reason: string; updatedAt: Date }[];
}

/**
 * The SLOs made in the dashboard or the API, checked as monitoring.yaml's are. The file wins a
 * name both use: its SLO was there first for whoever reads the file, and the API refuses to make
 * such a name, so a clash only comes from the file gaining it later.
 */
export async function readStoredSlos(db: Database, config: Pick<VigiaConfig, 'slos'>): Promise<StoredSloSet> {
  const found = await db.select().from(slos).orderBy(asc(slos.name));
  const inFile = new Set(config.slos.map((s) => s.name));
  const out: StoredSloSet = { slos: [], rows: new Map(), skipped: [] };
  for (const row of found) {
    if (inFile.has(row.name)) {
      out.skipped.push({ name: row.name, reason: 'monitoring.yaml has an SLO of the same name; the file’s counts', updatedAt: row.updatedAt });
      continue;
    }
    const checked = checkSlo(row.name, row.spec);
    if (!checked.ok) {
      out.skipped.push({ name: row.name, reason: checked.problems.join('; '), updatedAt: row.updatedAt });
      continue;
    }
    out.slos.push(checked.slo);
    out.rows.set(row.name, row);
  }
  return out;
}
