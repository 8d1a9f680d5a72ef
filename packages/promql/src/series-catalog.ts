import type { Labels } from '@vigia/core';
import { seriesAfter, type SqlClient } from '@vigia/db';
import type { Matcher } from './ast.ts';
import { NAME } from './labels.ts';
import { matches } from './memory-source.ts';

export interface CatalogEntry {
  id: number;
  /** the series' labels with __name__ */
  labels: Labels;
}

/** How often the whole series table is read again, in case an id committed out of order was missed. */
const FULL_RELOAD_MS = 60_000;

/**
 * Every series' labels in memory, by metric name. Series are only ever added (never renamed or
 * deleted), so each query reads just the rows after the highest id seen.
 */
export class SeriesCatalog {
  private byName = new Map<string, CatalogEntry[]>();
  private all: CatalogEntry[] = [];
  private maxId = 0;
  private loadedAt = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly sql: SqlClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Brings the catalog up to date; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async load(): Promise<void> {
    const full = this.now() - this.loadedAt > FULL_RELOAD_MS;
    const rows = await seriesAfter(this.sql, full ? 0 : this.maxId);
    if (full) {
      this.byName = new Map();
      this.all = [];
      this.loadedAt = this.now();
    }
    for (const row of rows) {
      const entry = { id: row.id, labels: { ...row.labels, [NAME]: row.name } };
      this.all.push(entry);
      const list = this.byName.get(row.name);
      if (list) list.push(entry);
      else this.byName.set(row.name, [entry]);
      if (row.id > this.maxId) this.maxId = row.id;
    }
  }

  select(matchers: Matcher[]): CatalogEntry[] {
    const byName = matchers.find((m) => m.name === NAME && m.type === '=');
    const candidates = byName ? (this.byName.get(byName.value) ?? []) : this.all;
    return candidates.filter((e) => matches(e.labels, matchers));
  }
}
