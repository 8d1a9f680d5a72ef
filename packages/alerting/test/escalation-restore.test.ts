import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, notifications } from '@vigia/db';
import { redisKeys, type EscalatePayload } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Escalations, runEscalationStep } from '../src/index.ts';
import { hotAlert } from './hot-alert.ts';

const MIN = 60_000;

describe('escalation steps after Redis lost its delayed jobs', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue<EscalatePayload>;
  let config: VigiaConfig;
  const now = Date.now();

  beforeAll(async () => {
    config = loadYamlConfig(
      `alerts:
  escalation:
    critical:
      - { after: 2m, channels: [lead] }
      - { after: 1h, channels: [pager] }
  rules:
    - { name: Hot, metric: temp, operator: ">", threshold: 50, severity: critical }
channels:
  lead: { type: webhook, url: "http://127.0.0.1:9/lead" }
  pager: { type: webhook, url: "http://127.0.0.1:9/pager" }
`,
      { REDIS_URL: TEST_REDIS_URL },
    );
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    queue = new Queue<EscalatePayload>('escalate', { connection: redis, prefix: redisKeys(prefix.prefix).queues });
    const { db } = database.store;
    const startedAt = new Date(now - 6 * MIN);
    // Fired five minutes ago: step 1 (2 min) is overdue, step 2 (1 h) is 55 minutes away.
    await db.insert(alerts).values([hotAlert('fired', startedAt), hotAlert('handled', startedAt, { status: 'acknowledged' }), hotAlert('mild', startedAt, { severity: 'warning' })]);
    await db.insert(alertEvents).values(['fired', 'handled', 'mild'].map((alertId) => ({ alertId, at: new Date(now - 5 * MIN), type: 'firing', actor: 'vigia' })));
  });
  afterAll(async () => {
    await queue?.close();
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  it('queues the steps still to come for alerts firing unacknowledged, overdue ones at once', async () => {
    const escalations = new Escalations(queue, config);
    expect(await escalations.restore(database.store.db, now)).toBe(2);
    const queued = await queue.getJobs(['waiting', 'delayed']);
    expect(queued.map((j) => [j.id, j.opts.delay]).sort()).toEqual([
      ['fired.esc.0', 0],
      ['fired.esc.1', 55 * MIN],
    ]);
  });

  it('takes a step once, however often its job runs', async () => {
    const { db } = database.store;
    const store = new AlertStore(db, 'http://vigia');
    const first = await runEscalationStep(db, store, config, { alertId: 'fired', step: 0 }, now);
    expect(first).toMatchObject([{ type: 'escalated', alertId: 'fired' }]);
    // The same step again: a job restored while the first one still ran, say.
    expect(await runEscalationStep(db, store, config, { alertId: 'fired', step: 0 }, now + 1_000)).toEqual([]);
    expect(await db.select({ id: notifications.id }).from(notifications).where(eq(notifications.alertId, 'fired'))).toEqual([{ id: 'fired.esc1.escalated.lead' }]);
    expect((await db.select().from(alertEvents).where(eq(alertEvents.alertId, 'fired'))).map((e) => e.type)).toEqual(['firing', 'escalated']);

    // Redis loses everything again: only the step not taken yet comes back.
    await queue.obliterate({ force: true });
    expect(await new Escalations(queue, config).restore(db, now + 2_000)).toBe(1);
    expect((await queue.getDelayed()).map((j) => j.id)).toEqual(['fired.esc.1']);
  });
});
