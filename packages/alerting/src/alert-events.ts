import type { Redis } from 'ioredis';
import type { RedisKeys } from '@vigia/live';
import type { AlertEvent } from './alert-store.ts';

/** Publishes committed transitions to the capped alert-events stream that alerts.live follows. */
export async function publishAlertEvents(redis: Redis, keys: RedisKeys, events: AlertEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tx = redis.multi();
  for (const event of events) tx.xadd(keys.alertEvents, 'MAXLEN', '~', 5_000, '*', 'e', JSON.stringify(event));
  await tx.exec();
}
