import type { MetricDescriptor } from '@vigia/plugin-sdk';

export const metrics: Record<string, MetricDescriptor> = {
  db_connections: { help: 'Client connections to the server, by database and state (active, idle, idle_in_transaction, …)' },
  db_connections_max: { help: 'The server’s max_connections setting' },
  db_connection_usage: { help: 'Client connections in use as a percentage of max_connections (whole server)', unit: '%' },
  db_transactions_per_sec: { help: 'Transactions committed or rolled back per second in the monitored database, over the last interval', unit: '1/s' },
  db_cache_hit_rate: { help: 'Share of block reads served from shared buffers in the monitored database, over the last interval (percent)', unit: '%' },
  db_deadlocks_total: { help: 'Deadlocks detected in the monitored database since statistics were reset' },
  db_size_bytes: { help: 'Size of the monitored database on disk', unit: 'bytes' },
  db_avg_query_time_ms: { help: 'Mean execution time of the statements that ran in the last interval (pg_stat_statements)', unit: 'ms' },
  db_slow_queries: { help: 'Statements whose mean execution time exceeds slow_query_ms (pg_stat_statements)' },
  db_table_rows: { help: 'Estimated live rows of the table (n_live_tup)' },
  db_table_dead_rows: { help: 'Estimated dead rows of the table, waiting for vacuum (n_dead_tup)' },
  db_table_size_bytes: { help: 'Size of the table with its indexes and TOAST data', unit: 'bytes' },
  db_table_seq_scans_total: { help: 'Sequential scans of the table since statistics were reset' },
  db_table_index_scans_total: { help: 'Index scans of the table since statistics were reset' },
};
