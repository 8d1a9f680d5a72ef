import type { RetentionMs, UptimeBucket } from '@vigia/core';
import type { SqlClient } from './client.ts';

/** probe_success buckets per probe, every location summed. */
export type ProbeBuckets = Map<string, UptimeBucket[]>;

type Source = { table: string; bucket: string; sum: string; count: string; widthMs: number };

const MINUTES_FROM_RAW: Source = { table: 'samples_raw', bucket: `date_trunc('minute', r.ts, 'UTC')`, sum: 'sum(r.value)', count: 'count(*)', widthMs: 60_000 };
const MINUTES: Source = { table: 'samples_1m', bucket: 'r.bucket', sum: 'sum(r.sum)', count: 'sum(r.count)', widthMs: 60_000 };
const HOURS: Source = { table: 'samples_1h', bucket: 'r.bucket', sum: 'sum(r.sum)', count: 'sum(r.count)', widthMs: 3_600_000 };

/**
 * Reads of probe_success history for uptime. Both rollups are written with the raw rows, so the
 * last day comes from minute rollups (raw rows, bucketed by minute, where minute rollups are kept
 * less than a day) and longer spans from hour rollups.
 */
export class UptimeHistory {
  constructor(private readonly sql: SqlClient) {}

  /** Probes with any stored probe_success series, whether from monitoring.yaml or added later. */
  async probeNames(): Promise<string[]> {
    const { rows } = await this.sql.query<{ probe: string }>(`SELECT DISTINCT labels->>'probe' AS probe FROM series WHERE name = 'probe_success' AND labels ? 'probe' ORDER BY 1`);
    return rows.map((r) => r.probe);
  }

  /** Minute buckets over [from, now] for the 24 h window. */
  minuteBuckets(probes: string[], from: number, now: number, retention: RetentionMs): Promise<ProbeBuckets> {
    const age = now - from;
    const source = retention['1m'] >= age ? MINUTES : retention.raw >= age ? MINUTES_FROM_RAW : HOURS;
    return this.read(source, probes, from);
  }

  /** Hour buckets since `from`, for the long windows and the daily bar. */
  hourBuckets(probes: string[], from: number): Promise<ProbeBuckets> {
    return this.read(HOURS, probes, from);
  }

  private async read(source: Source, probes: string[], from: number): Promise<ProbeBuckets> {
    const out: ProbeBuckets = new Map(probes.map((p) => [p, []]));
    if (probes.length === 0) return out;
    const time = source.table === 'samples_raw' ? 'r.ts' : 'r.bucket';
    // Bucket starts floored to whole widths so a raw-minute source and the rollups agree.
    const { rows } = await this.sql.query<{ probe: string; start: string; sum: number; count: string }>(
      `SELECT s.labels->>'probe' AS probe, (extract(epoch FROM ${source.bucket}) * 1000)::bigint AS start, ${source.sum} AS sum, ${source.count} AS count
       FROM ${source.table} r JOIN series s ON s.id = r.series_id
       WHERE s.name = 'probe_success' AND s.labels->>'probe' = ANY($1::text[]) AND ${time} >= $2
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [probes, new Date(Math.floor(from / source.widthMs) * source.widthMs)],
    );
    for (const r of rows) out.get(r.probe)?.push({ start: Number(r.start), widthMs: source.widthMs, sum: Number(r.sum), count: Number(r.count) });
    return out;
  }
}
