import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { openPgliteClient } from './pglite-open.ts';
import * as schema from './schema/index.ts';

/** The drizzle/ folder: the nearest one up (this code runs from its source and bundled into dist/). */
function findMigrations(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'drizzle', 'meta', '_journal.json'))) return join(dir, 'drizzle');
    if (dirname(dir) === dir) return resolve(start, '../../../drizzle');
  }
}

export const MIGRATIONS_FOLDER = findMigrations(dirname(fileURLToPath(import.meta.url)));

/** The one thing both drivers have in common that the hot paths need: parameterised SQL. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Store {
  kind: 'postgres' | 'pglite';
  db: Database;
  sql: SqlClient;
  /** Where it lives, without credentials, for logs and /healthz. */
  describe: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL URL; when absent the embedded PGlite database under dataDir serves. */
  url?: string;
  dataDir?: string;
  /** PGlite only: keep everything in memory (tests). */
  memory?: boolean;
  poolSize?: number;
  /** Apply drizzle/ migrations before returning (default true). */
  migrate?: boolean;
}

// Migrations from several processes at once (two APIs and a worker starting together) must not
// race: on a server, they run under an advisory lock on a connection of their own.
const MIGRATION_LOCK = 0x76696769;

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

async function openPostgres(url: string, options: OpenOptions): Promise<Store> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // Numbers that fit are more useful than strings: int8 (count(*), sums) come back as numbers.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  if (options.migrate !== false) {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      await client.end();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // A client that loses its server must not crash the process: idle ones report to the pool,
  // checked-out ones (a COPY in flight) to themselves; the query in flight fails and is retried.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzle({ client: pool, schema }) as unknown as Database;
  return {
    kind: 'postgres',
    db,
    sql: pool as unknown as SqlClient,
    describe: redactUrl(url),
    close: () => pool.end(),
  };
}

async function openPglite(options: OpenOptions): Promise<Store> {
  const { drizzle } = await import('drizzle-orm/pglite');
  let dir: string | undefined;
  if (!options.memory) {
    dir = join(options.dataDir ?? '.data', 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const client = await openPgliteClient(dir);
  const db = drizzle({ client, schema }) as unknown as Database;
  if (options.migrate !== false) {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return {
    kind: 'pglite',
    db,
    sql: client as unknown as SqlClient,
    describe: dir ? `embedded PGlite at ${dir}` : 'embedded PGlite in memory',
    close: () => client.close(),
  };
}

export async function openStore(options: OpenOptions): Promise<Store> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}
