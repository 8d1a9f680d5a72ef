import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from './client.ts';

// Test helpers for every workspace that needs a real database (imported as @vigia/db/testing).
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type StoreKind = 'postgres' | 'pglite';
export const STORE_KINDS: StoreKind[] = ['postgres', 'pglite'];

export interface TestDatabase {
  /** PostgreSQL URL of a database made for this test, or undefined for PGlite. */
  url?: string;
  store: Store;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database of its own on the real server (drizzle migrations applied), dropped afterwards. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vigia_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A migrated store of the given kind: a fresh database on the real server, or in-memory PGlite. */
export async function createTestStore(kind: StoreKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const store = await openStore({ memory: true });
    return { store, drop: () => store.close() };
  }
  const database = await createPostgresDatabase();
  const store = await openStore({ url: database.url });
  return {
    url: database.url,
    store,
    drop: async () => {
      await store.close();
      await database.drop();
    },
  };
}
