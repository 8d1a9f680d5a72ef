import { Redis, type RedisOptions } from 'ioredis';
import { selectConfiguredDatabase, type RedisDatabaseProblem } from './redis-database.ts';

/**
 * A connection that rides out Redis restarts: commands queue while it reconnects (BullMQ needs
 * maxRetriesPerRequest null on its own connections anyway), and errors are reported, not thrown
 * as unhandled events.
 */
export function connectRedis(url: string, options: RedisOptions & { onError?: (error: Error) => void } = {}): Redis {
  const { onError, ...rest } = options;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...rest,
  });
  redis.on('error', (error) => onError?.(error));
  return redis;
}

/**
 * One PING with a deadline, then the URL's database selected, for start-up checks. `database` says
 * the server answers but has no such database (ioredis would go on with database 0).
 */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<{ ok: true } | { ok: false; error: string; database?: RedisDatabaseProblem }> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    const database = await selectConfiguredDatabase(redis);
    return database ? { ok: false, error: database.error, database } : { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    redis.disconnect();
  }
}
