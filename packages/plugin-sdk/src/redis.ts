// A subpath of its own (`@vigia/plugin-sdk/redis`) so only the plugins that talk to Redis load ioredis.
import { Redis } from 'ioredis';
import type { Logger } from '@vigia/core';

/** `host:port/db` for messages: never the password in the URL. */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(the configured url)';
  }
}

/**
 * A client that fails a command quickly while Redis is down (the host retries next tick) instead
 * of queueing it for ever, and logs a lost connection once rather than on every reconnect attempt.
 */
export function openRedis(url: string, logger: Logger): Redis {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn('Redis connection failed', { redis: describeRedis(url), error: error.message });
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}
