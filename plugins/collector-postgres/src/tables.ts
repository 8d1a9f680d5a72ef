import type { Pool } from 'pg';
import type { Sample } from '@vigia/plugin-sdk';
import { OWN_QUERY_MARK } from './config.ts';

interface Row {
  schema: string;
  table: string;
  rows: string;
  dead: string;
  seq: string;
  idx: string;
  size: string;
}

/** Row counts, dead rows, size and scan counters of the `limit` largest user tables. */
export async function readTables(pool: Pool, limit: number): Promise<Sample[]> {
  if (limit === 0) return [];
  const { rows } = await pool.query<Row>(
    `${OWN_QUERY_MARK}
     SELECT schemaname AS schema, relname AS "table", n_live_tup AS rows, n_dead_tup AS dead,
            coalesce(seq_scan, 0) AS seq, coalesce(idx_scan, 0) AS idx, size
       FROM (SELECT *, pg_total_relation_size(relid) AS size FROM pg_stat_user_tables) t
      WHERE size IS NOT NULL
      ORDER BY size DESC, schemaname, relname
      LIMIT $1`,
    [limit],
  );
  return rows.flatMap((r): Sample[] => {
    const labels = { schema: r.schema, table: r.table };
    return [
      { name: 'db_table_rows', value: Number(r.rows), labels },
      { name: 'db_table_dead_rows', value: Number(r.dead), labels },
      { name: 'db_table_size_bytes', value: Number(r.size), labels, unit: 'bytes' },
      { name: 'db_table_seq_scans_total', value: Number(r.seq), labels },
      { name: 'db_table_index_scans_total', value: Number(r.idx), labels },
    ];
  });
}
