import { TEST_REDIS_URL, createPostgresDatabase, redisPrefix } from '@vigia/testing';

export const REDIS_URL = TEST_REDIS_URL;

// Cleanups still owed, so Ctrl-C in the middle of a benchmark still drops its database, removes
// its keys and stops its processes.
const owed = new Set<() => Promise<void>>();

export function owe(cleanup: () => Promise<void>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    owed.delete(once);
    await cleanup();
  };
  owed.add(once);
  return once;
}

export async function payOwedCleanups(): Promise<void> {
  // Newest first: processes stop before the database they use is dropped.
  for (const cleanup of [...owed].reverse()) await cleanup().catch(() => {});
}

export interface Scratch {
  databaseUrl: string;
  prefix: string;
}

/** A database and a Redis key prefix of the benchmark's own, removed afterwards whatever happens. */
export async function withScratch<T>(fn: (scratch: Scratch) => Promise<T>): Promise<T> {
  const database = await createPostgresDatabase();
  const dropDatabase = owe(() => database.drop());
  const redis = redisPrefix();
  const removeKeys = owe(() => redis.cleanup());
  try {
    return await fn({ databaseUrl: database.url, prefix: redis.prefix });
  } finally {
    await removeKeys().catch((error: Error) => process.stderr.write(`bench: Redis keys under ${redis.prefix} not removed: ${error.message}\n`));
    await dropDatabase().catch((error: Error) => process.stderr.write(`bench: database not dropped: ${error.message}\n`));
  }
}
