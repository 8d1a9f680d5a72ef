import { seriesWithSamples, type SqlClient } from '@vigia/db';
import { PromqlError, parsePromql, type CatalogEntry, type HistorySource } from '@vigia/promql';
import type { RequestParams } from './request-params.ts';

/**
 * The series a metadata request (series, labels, label values) is about: those matching any of
 * its `match[]` selectors (every series without one), with samples between start and end when
 * either is given.
 */
export async function lookupSeries(sql: SqlClient, source: HistorySource, params: RequestParams, requireMatch: boolean): Promise<CatalogEntry[]> {
  const selectors = params.all('match[]');
  if (requireMatch && selectors.length === 0) throw new PromqlError('no match[] parameter provided');
  await source.catalog.refresh();
  let found: CatalogEntry[];
  if (selectors.length === 0) found = source.catalog.select([]);
  else {
    const byId = new Map<number, CatalogEntry>();
    for (const text of selectors) {
      const expr = parsePromql(text);
      if (expr.type !== 'selector') throw new PromqlError(`invalid parameter "match[]": ${text} is not a series selector`);
      for (const entry of source.catalog.select(expr.matchers)) byId.set(entry.id, entry);
    }
    found = [...byId.values()];
  }
  if (params.get('start') === undefined && params.get('end') === undefined) return found;
  const start = params.time('start', 0);
  const end = params.time('end', Date.now());
  const withSamples = await seriesWithSamples(
    sql,
    found.map((e) => e.id),
    start,
    end,
  );
  return found.filter((e) => withSamples.has(e.id));
}

/** What /api/v1/metadata says of a metric: its type guessed from the naming conventions. */
export function metricType(name: string): string {
  if (name.endsWith('_total') || name.endsWith('_created')) return 'counter';
  if (name.endsWith('_bucket')) return 'histogram';
  return 'gauge';
}
