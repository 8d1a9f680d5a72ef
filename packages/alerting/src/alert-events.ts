import type { Redis } from 'ioredis';
import type { RedisKeys } from '@vigia/live';
import type { AlertEvent } from './alert-store.ts';

/**
 * Publishes committed transitions to the capped alert-events stream that alerts.live follows, and
 * nudges every worker's outbox relay: a transition committed in the API (a person's action) has
 * notifications no worker's own evaluation told its relay about.
 */
export async function publishAlertEvents(redis: Redis, keys: RedisKeys, events: AlertEvent[]): Promise<void> {
  if (events.length === 0) return;
  const tx = redis.multi();
  for (const event of events) tx.xadd(keys.alertEvents, 'MAXLEN', '~', 5_000, '*', 'e', JSON.stringify(event));
  tx.publish(keys.outboxNudge, '1');
  await tx.exec();
}
