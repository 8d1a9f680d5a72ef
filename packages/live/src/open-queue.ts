import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

/**
 * A BullMQ queue of Vigia's, under its key prefix, whose connection errors are reported through
 * `onError` (BullMQ prints unhandled ones to the console while Redis is away).
 */
export function openQueue<Data = unknown>(name: string, redis: Redis, keys: RedisKeys, onError: (error: Error) => void): Queue<Data> {
  const queue = new Queue<Data>(name, { connection: redis, prefix: keys.queues });
  queue.on('error', onError);
  return queue;
}

export function openQueueEvents(name: string, redis: Redis, keys: RedisKeys, onError: (error: Error) => void): QueueEvents {
  const events = new QueueEvents(name, { connection: redis, prefix: keys.queues });
  events.on('error', onError);
  return events;
}
