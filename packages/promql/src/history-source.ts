import type { RetentionMs } from '@vigia/core';
import { readRawArrays, readRollupArrays, type SampleArrays, type SqlClient } from '@vigia/db';
import type { Matcher } from './ast.ts';
import { SampleCache, type CacheRead } from './sample-cache.ts';
import { SeriesCatalog } from './series-catalog.ts';
import type { SampleSource, SelectHints } from './source.ts';
import type { RawSeries } from './step-values.ts';

export interface HistorySourceOptions {
  retention: RetentionMs;
  /** Most raw samples kept in memory across queries (16 bytes each). */
  cacheSamples?: number;
  /**
   * How long after its timestamp a sample is taken to be in storage for good: the persister
   * writes every few seconds, remote_write retries for a while. Newer samples are read again on
   * every query.
   */
  settleMs?: number;
  now?: () => number;
}

export const DEFAULT_CACHE_SAMPLES = 8_000_000;
export const DEFAULT_SETTLE_MS = 2 * 60_000;

/**
 * Vigia's stored history as PromQL sees it: raw samples within raw retention (cached), 1-minute
 * or 1-hour rollups before that.
 */
export class HistorySource implements SampleSource {
  readonly catalog: SeriesCatalog;
  private readonly cache: SampleCache;
  private readonly now: () => number;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: HistorySourceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.catalog = new SeriesCatalog(sql, this.now);
    this.cache = new SampleCache(options.cacheSamples ?? DEFAULT_CACHE_SAMPLES);
  }

  get cachedSamples(): number {
    return this.cache.samples;
  }

  async select(matchers: Matcher[], from: number, to: number, hints: SelectHints): Promise<RawSeries[]> {
    await this.catalog.refresh();
    const series = this.catalog.select(matchers);
    if (series.length === 0) return [];
    const ids = series.map((s) => s.id);
    const now = this.now();
    // A minute's margin: the retention job may be deleting right at the boundary.
    const rawFrom = now - this.options.retention.raw + 60_000;
    const [older, recent] = await Promise.all([
      from < rawFrom ? this.readRollups(ids, from, Math.min(to + 1, rawFrom), now, hints.counter) : new Map<number, SampleArrays>(),
      to >= rawFrom ? this.readRaw(ids, Math.max(from, rawFrom), to, now) : new Map<number, SampleArrays>(),
    ]);
    const out: RawSeries[] = [];
    for (const s of series) {
      const parts = [older.get(s.id), recent.get(s.id)].filter((p): p is SampleArrays => p !== undefined && p.t.length > 0);
      if (parts.length === 0) continue;
      const joined = parts.length === 1 ? parts[0]! : concat(parts[0]!, parts[1]!);
      out.push({ labels: s.labels, t: joined.t, v: joined.v });
    }
    return out;
  }

  private async readRollups(ids: number[], from: number, to: number, now: number, counter: boolean): Promise<Map<number, SampleArrays>> {
    const resolution = from >= now - this.options.retention['1m'] ? '1m' : '1h';
    const rows = await readRollupArrays(this.sql, resolution, ids, from, to, counter);
    for (const [id, arrays] of rows) rows.set(id, within(arrays, from, to - 1));
    return rows;
  }

  private async readRaw(ids: number[], from: number, to: number, now: number): Promise<Map<number, SampleArrays>> {
    const settled = now - (this.options.settleMs ?? DEFAULT_SETTLE_MS);
    // Series needing the same read share one query: after a dashboard's first load, that is one
    // tail read for all of a panel's series.
    const groups = new Map<string, { read: CacheRead; ids: number[] }>();
    const plans = new Map<number, { head?: CacheRead; tail?: CacheRead }>();
    const want = (read: CacheRead, id: number) => {
      const key = `${read.after}:${read.to}:${read.inclusive}`;
      const group = groups.get(key);
      if (group) group.ids.push(id);
      else groups.set(key, { read, ids: [id] });
    };
    for (const id of ids) {
      const plan = this.cache.plan(id, from, to);
      plans.set(id, plan);
      if (plan.head) want(plan.head, id);
      if (plan.tail) want(plan.tail, id);
    }
    const results = await Promise.all(
      [...groups.values()].map(async ({ read, ids: groupIds }) => ({ key: `${read.after}:${read.to}:${read.inclusive}`, rows: await readRawArrays(this.sql, groupIds, read.after, read.to, read.inclusive) })),
    );
    const byKey = new Map(results.map((r) => [r.key, r.rows]));
    const empty: SampleArrays = { t: new Float64Array(0), v: new Float64Array(0) };
    const out = new Map<number, SampleArrays>();
    for (const id of ids) {
      const plan = plans.get(id)!;
      const read = (r: CacheRead) => byKey.get(`${r.after}:${r.to}:${r.inclusive}`)!.get(id) ?? empty;
      const tail = plan.tail && { after: plan.tail.after, inclusive: plan.tail.inclusive, arrays: read(plan.tail) };
      out.set(id, this.cache.merge(id, from, to, settled, plan.head && read(plan.head), tail));
    }
    return out;
  }
}

function within(a: SampleArrays, from: number, to: number): SampleArrays {
  let lo = 0;
  while (lo < a.t.length && a.t[lo]! < from) lo++;
  let hi = a.t.length;
  while (hi > lo && a.t[hi - 1]! > to) hi--;
  return { t: a.t.subarray(lo, hi), v: a.v.subarray(lo, hi) };
}

function concat(a: SampleArrays, b: SampleArrays): SampleArrays {
  const t = new Float64Array(a.t.length + b.t.length);
  const v = new Float64Array(t.length);
  t.set(a.t);
  t.set(b.t, a.t.length);
  v.set(a.v);
  v.set(b.v, a.v.length);
  return { t, v };
}
