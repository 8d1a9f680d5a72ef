import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The database a Redis URL selects (`redis://host:6379/3`) and the server refuses. */
export interface RedisDatabaseProblem {
  db: number;
  /** How many databases the server has (`CONFIG GET databases`); null where CONFIG is disabled. */
  databases: number | null;
  /** The server's answer to SELECT. */
  error: string;
}

async function serverDatabases(redis: Redis): Promise<number | null> {
  try {
    const [, value] = (await redis.config('GET', 'databases')) as string[];
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null; // CONFIG renamed or disabled (managed Redis): the SELECT error has to do
  }
}

/**
 * Selects the database the connection was opened for. A Redis without it answers SELECT with an
 * error and ioredis goes on with database 0, where every command succeeds on someone else's data:
 * only this tells the two apart.
 */
export async function selectConfiguredDatabase(redis: Redis): Promise<RedisDatabaseProblem | null> {
  const db = redis.options.db ?? 0;
  try {
    await redis.select(db);
    return null;
  } catch (error) {
    return { db, databases: await serverDatabases(redis), error: (error as Error).message };
  }
}

export function describeDatabaseProblem(problem: RedisDatabaseProblem): string {
  const { db, databases, error } = problem;
  return databases === null ? `database ${db} is refused (${error})` : `database ${db} does not exist: the server has ${databases} (0-${databases - 1})`;
}

/**
 * Whether Vigia can use this Redis connection: its database selected, and a write read back on
 * it. PING answers on a wrong database, a read-only replica or a Redis refusing writes alike.
 */
export async function checkRedisUsable(redis: Redis, key: string): Promise<void> {
  const problem = await selectConfiguredDatabase(redis);
  if (problem) throw new Error(describeDatabaseProblem(problem));
  const token = randomBytes(8).toString('hex');
  // One transaction, so another process checking the same key cannot answer for this one.
  const replies = await redis.multi().set(key, token, 'PX', 60_000).get(key).exec();
  const failed = replies?.find(([error]) => error);
  if (failed) throw failed[0]!;
  if (replies?.[1]?.[1] !== token) throw new Error('a value written to Redis did not read back');
}
