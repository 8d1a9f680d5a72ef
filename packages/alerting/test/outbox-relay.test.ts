import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { alerts, notifications } from '@vigia/db';
import { QUEUES, openQueue, redisKeys, type NotifyPayload } from '@vigia/live';
import { STORE_KINDS, TEST_REDIS_URL, createTestStore, redisPrefix, type TestDatabase } from '@vigia/testing';
import { OutboxRelay } from '../src/outbox-relay.ts';

const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quiet;
  },
} as never;

describe.each(STORE_KINDS)('the outbox relay (%s)', (kind) => {
  let database: TestDatabase;
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = redisPrefix();
  const queue = openQueue<NotifyPayload>(QUEUES.notify.name, redis, redisKeys(prefix.prefix), () => {});
  const episode = { id: 'a', rule: 'r', seriesKey: 'a', metric: 'm', labels: {}, severity: 'warning', status: 'firing' as const, operator: '>', threshold: 1, summary: 's', startedAt: new Date() };
  const message = (id: string, state: 'pending' | 'enqueued' | 'delivered', enqueuedAt?: Date) => ({ id, alertId: 'a', channel: 'slack', reason: 'new', payload: {} as never, state, enqueuedAt });

  beforeAll(async () => {
    database = await createTestStore(kind);
    await database.store.db.insert(alerts).values([episode]);
  }, 120_000); // a fresh PGlite on a busy machine
  afterAll(async () => {
    await queue.close();
    await database?.drop();
    await prefix.cleanup();
    redis.disconnect();
  });

  it('queues pending rows and rows a dead relay left enqueued over a minute ago, on every pass of its prepared read', async () => {
    const { db } = database.store;
    const relay = new OutboxRelay(db, queue, quiet);
    await db
      .insert(notifications)
      .values([message('n.pending', 'pending'), message('n.stale', 'enqueued', new Date(Date.now() - 120_000)), message('n.fresh', 'enqueued', new Date()), message('n.done', 'delivered')]);
    expect(await relay.relay()).toBe(2);
    expect((await queue.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual(['n.pending', 'n.stale']);
    // The same statement again: nothing left to move.
    expect(await relay.relay()).toBe(0);
    await db.insert(notifications).values([message('n.later', 'pending')]);
    expect(await relay.relay()).toBe(1);
    expect((await queue.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual(['n.later', 'n.pending', 'n.stale']);
  });
});
