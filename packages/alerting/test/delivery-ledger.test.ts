import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, notifications } from '@vigia/db';
import { STORE_KINDS, createTestStore, type TestDatabase } from '@vigia/testing';
import { readNotification, recordAttempts } from '../src/delivery-ledger.ts';

describe.each(STORE_KINDS)('the delivery ledger (%s)', (kind) => {
  let database: TestDatabase;
  const episode = (id: string) => ({
    id,
    rule: 'r',
    seriesKey: id,
    metric: 'm',
    labels: {},
    severity: 'warning',
    status: 'firing' as const,
    operator: '>',
    threshold: 1,
    summary: 's',
    startedAt: new Date(),
  });
  const message = (id: string, alertId: string) => ({ id, alertId, channel: 'slack', reason: 'new', payload: {} as never, state: 'enqueued' as const });

  beforeAll(async () => {
    database = await createTestStore(kind);
    const { db } = database.store;
    await db.insert(alerts).values([episode('a'), episode('b')]);
    await db.insert(notifications).values([message('a.1', 'a'), message('a.2', 'a'), message('b.1', 'b')]);
  });
  afterAll(async () => database?.drop());

  it('reads a notification with the copies delivered for its own alert and channel only', async () => {
    const { db } = database.store;
    await recordAttempts(db, { id: 'a.1', alertId: 'a', channel: 'slack', attempt: 1 }, [{ recipient: null, outcome: 'delivered', durationMs: 3, externalId: 'C1|100.1' }], {
      state: 'delivered',
      error: null,
    });
    await recordAttempts(db, { id: 'b.1', alertId: 'b', channel: 'slack', attempt: 1 }, [{ recipient: null, outcome: 'delivered', durationMs: 3, externalId: 'C1|200.2' }], {
      state: 'delivered',
      error: null,
    });

    const a2 = await readNotification(db, 'a.2');
    expect(a2).toMatchObject({ id: 'a.2', alertId: 'a', state: 'enqueued', attempts: 0 });
    // The message to edit in place is alert a's, never b's.
    expect(a2!.delivered).toEqual([{ notificationId: 'a.1', recipient: null, externalId: 'C1|100.1' }]);
    expect(await readNotification(db, 'nope')).toBeUndefined();
  });

  it('writes the attempt and the notification’s state together', async () => {
    const { db } = database.store;
    await recordAttempts(db, { id: 'a.2', alertId: 'a', channel: 'slack', attempt: 1 }, [{ recipient: null, outcome: 'retryable', durationMs: 9, error: 'HTTP 500' }], {
      state: null,
      error: 'HTTP 500',
    });
    expect(await readNotification(db, 'a.2')).toMatchObject({ state: 'enqueued', attempts: 1, lastError: 'HTTP 500' });
    await recordAttempts(db, { id: 'a.2', alertId: 'a', channel: 'slack', attempt: 2 }, [{ recipient: null, outcome: 'delivered', durationMs: 4, externalId: 'C1|100.1' }], {
      state: 'delivered',
      error: null,
    });
    const a2 = await readNotification(db, 'a.2');
    expect(a2).toMatchObject({ state: 'delivered', attempts: 2, lastError: null });
    expect(a2!.finishedAt).toBeInstanceOf(Date);
    expect(a2!.delivered.map((d) => d.notificationId)).toEqual(['a.2', 'a.1']);
  });
});
