import pg from 'pg';

export interface FillFigures {
  rawSeconds: number;
  rollup1mSeconds: number;
  rollup1hSeconds: number;
  vacuumAnalyzeSeconds: number;
  rows: { raw: number; '1m': number; '1h': number };
}

/**
 * Every series in `series` gets one sample a minute over (from, to], generated in SQL: ten million
 * rows through HistoryStore.insert would take minutes. The rollups are then computed from the raw
 * rows with the insert path's own expressions (date_trunc buckets; min, max, sum, count), so the
 * tables hold exactly what inserting those samples would have left.
 */
export async function fillHistory(databaseUrl: string, from: Date, to: Date, log: (line: string) => void): Promise<FillFigures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const timed = async (what: string, text: string, params: unknown[] = []) => {
    const started = performance.now();
    await client.query(text, params);
    const seconds = (performance.now() - started) / 1000;
    log(`${what}: ${seconds.toFixed(1)} s`);
    return Math.round(seconds * 100) / 100;
  };
  try {
    // Only this session's sorts and hashes: the fill is not what is measured.
    await client.query(`SET work_mem = '256MB'`);
    // Series by series, so the primary key is filled in order, as years of appends would leave it.
    const rawSeconds = await timed(
      'samples_raw',
      `INSERT INTO samples_raw (series_id, ts, value)
       SELECT s.id, t.ts, round((50 + 40 * sin(s.id + extract(epoch FROM t.ts) / 3600) + random())::numeric, 2)::float8
       FROM (SELECT id FROM series ORDER BY id) s
       CROSS JOIN LATERAL generate_series($1::timestamptz + interval '1 minute', $2::timestamptz, interval '1 minute') AS t(ts)`,
      [from, to],
    );
    const rollup = (table: string, unit: string) =>
      `INSERT INTO ${table} (series_id, bucket, min, max, sum, count)
       SELECT series_id, date_trunc('${unit}', ts), min(value), max(value), sum(value), count(*) FROM samples_raw GROUP BY 1, 2 ORDER BY 1, 2`;
    const rollup1mSeconds = await timed('samples_1m', rollup('samples_1m', 'minute'));
    const rollup1hSeconds = await timed('samples_1h', rollup('samples_1h', 'hour'));
    const vacuumAnalyzeSeconds = await timed('VACUUM ANALYZE', 'VACUUM ANALYZE series, samples_raw, samples_1m, samples_1h');
    const { rows } = await client.query<{ raw: number; m: number; h: number }>(
      `SELECT (SELECT count(*) FROM samples_raw)::int AS raw, (SELECT count(*) FROM samples_1m)::int AS m, (SELECT count(*) FROM samples_1h)::int AS h`,
    );
    const r = rows[0]!;
    return { rawSeconds, rollup1mSeconds, rollup1hSeconds, vacuumAnalyzeSeconds, rows: { raw: r.raw, '1m': r.m, '1h': r.h } };
  } finally {
    await client.end();
  }
}
