import type { PoolConfig } from 'pg';
import { z } from 'zod';

export const configSchema = z.object({
  /** `postgres://user:password@host:port/database`; when set, host/port/database/user/password are ignored. */
  url: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must start with postgres:// or postgresql://')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1).default('postgres'),
  user: z.string().min(1).default('postgres'),
  password: z.string().optional(),
  /** How many of the largest tables get per-table series (0 turns table statistics off). */
  top_tables: z.number().int().min(0).max(1000).default(20),
  /** How many statements (by total time) are published as the top-queries list. */
  top_queries: z.number().int().min(0).max(1000).default(10),
  /** A statement whose mean execution time exceeds this counts in db_slow_queries. */
  slow_query_ms: z.number().positive().default(500),
  /** Server-side limit on each of this collector's queries; also the connect timeout. */
  statement_timeout_ms: z.number().int().positive().default(5_000),
});

export type PostgresConfig = z.infer<typeof configSchema>;

/** Tags this collector's own statements so they can be left out of the query statistics. */
export const OWN_QUERY_MARK = '/* vigia:collector-postgres */';

export function poolConfig(config: PostgresConfig): PoolConfig {
  const where: PoolConfig = config.url ? { connectionString: config.url } : { host: config.host, port: config.port, database: config.database, user: config.user, password: config.password };
  return {
    ...where,
    // One connection for the catalog reads, one spare so a slow read does not queue the next tick.
    max: 2,
    // Kept open between ticks: pg's default closed them after 10 s idle, so at the 15 s interval
    // every tick paid for two new server processes (fork, authentication, catalog caches).
    idleTimeoutMillis: 0,
    statement_timeout: config.statement_timeout_ms,
    connectionTimeoutMillis: config.statement_timeout_ms,
    application_name: 'vigia-collector-postgres',
  };
}

/** `user@host:port/database` for messages: never the password, even when it sits in the URL. */
export function describeTarget(config: PostgresConfig): string {
  if (!config.url) return `${config.user}@${config.host}:${config.port}/${config.database}`;
  try {
    const u = new URL(config.url);
    const user = decodeURIComponent(u.username) || '(default user)';
    return `${user}@${u.hostname}:${u.port || 5432}${decodeURIComponent(u.pathname) || '/'}`;
  } catch {
    return '(the configured url)';
  }
}
