import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { and, eq } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, auditEvents, notifications, oncallOverrides, users } from '@vigia/db';
import { redisKeys, type EscalatePayload } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Escalations, runEscalationStep } from '../src/index.ts';
import { hotAlert } from './hot-alert.ts';

// Lisbon moves to summer time on 2026-03-29 at 01:00 UTC: the 09:00 hand-off that day is 08:00Z.
const BEFORE_HANDOFF = Date.parse('2026-03-29T07:59:59Z');
const AFTER_HANDOFF = Date.parse('2026-03-29T08:00:01Z');

describe('escalation steps that page people', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue<EscalatePayload>;
  let config: VigiaConfig;
  let store: AlertStore;
  let escalations: Escalations;

  beforeAll(async () => {
    config = loadYamlConfig(
      `alerts:
  escalation:
    critical:
      - { after: 2m, schedules: [Primary], channels: [team] }
  rules:
    - { name: Hot, metric: temp, operator: ">", threshold: 50, severity: critical }
channels:
  team: { type: webhook, url: "http://127.0.0.1:9/team" }
  mail: { type: email, host: 127.0.0.1, port: 9, from: vigia@example.com, to: [ops@example.com] }
  text: { type: sms, url: "http://127.0.0.1:9/sms", to: ["+10000000000"] }
oncall:
  users:
    ana: { email: ana@example.com, phone: "+351910000001", rules: [{ after: 0m, channel: mail }, { after: 5m, channel: text }] }
    bruno: { rules: [{ after: 0m, channel: mail }, { after: 0m, channel: text }] }
  schedules:
    Primary:
      time_zone: Europe/Lisbon
      layers: [{ rotation: daily, handoff: "09:00", participants: [ana, bruno], start: 2026-03-28 }]
`,
      { REDIS_URL: TEST_REDIS_URL },
    );
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    queue = new Queue<EscalatePayload>('escalate', { connection: redis, prefix: redisKeys(prefix.prefix).queues });
    store = new AlertStore(database.store.db, 'http://vigia');
    escalations = new Escalations(queue, config);
    const { db } = database.store;
    // bruno has a Vigia login with an email address: the on-call entry need not repeat it.
    await db.insert(users).values({ username: 'bruno', passwordHash: 'x', role: 'operator', email: 'bruno@example.com' });
    await db.insert(alerts).values([hotAlert('early', new Date(BEFORE_HANDOFF - 180_000)), hotAlert('late', new Date(BEFORE_HANDOFF - 180_000))]);
  });
  afterAll(async () => {
    await queue?.close();
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  const rowsOf = (alertId: string) =>
    database.store.db.select({ id: notifications.id, channel: notifications.channel, recipient: notifications.payload }).from(notifications).where(eq(notifications.alertId, alertId));

  it('a critical at 08:59:59 pages A, whoever is on call, at her address, and queues her later rule', async () => {
    const [event] = await runEscalationStep(database.store.db, store, config, { alertId: 'early', step: 0 }, BEFORE_HANDOFF, escalations);
    expect(event?.comment).toBe(
      'unacknowledged after 120 s: step 1 notifies team; ana (on call in Primary) by mail to ana@example.com; ana (on call in Primary) by text to +351910000001 (after 300 s) unless acknowledged',
    );
    const rows = (await rowsOf('early')).map((r) => [r.id, r.channel, r.recipient.recipient]).sort();
    expect(rows).toEqual([
      ['early.esc1.ana.r1.escalated.mail', 'mail', 'ana@example.com'],
      ['early.esc1.escalated.team', 'team', undefined],
    ]);
    const later = await queue.getJob('early.esc.0.ana.1');
    expect(later?.data).toEqual({ alertId: 'early', step: 0, user: 'ana', rule: 1, schedule: 'Primary' });
    expect(later?.opts.delay).toBe(300_000);
    const audit = await database.store.db.select().from(auditEvents).where(eq(auditEvents.targetId, 'early'));
    expect(audit.map((a) => [a.actor, a.action, a.detail])).toEqual([['vigia', 'oncall.page', { user: 'ana', schedule: 'Primary', channel: 'mail', recipient: 'ana@example.com', step: 1, rule: 1 }]]);
  });

  it('the later rule pages her by SMS when it comes due, once', async () => {
    const payload = { alertId: 'early', step: 0, user: 'ana', rule: 1, schedule: 'Primary' };
    const [event] = await runEscalationStep(database.store.db, store, config, payload, BEFORE_HANDOFF + 300_000, escalations);
    expect(event?.comment).toBe('unacknowledged after 420 s: step 1 rule 2 of ana pages ana (on call in Primary) by text to +351910000001 (after 300 s)');
    expect(await runEscalationStep(database.store.db, store, config, payload, BEFORE_HANDOFF + 301_000, escalations)).toEqual([]);
    const sms = (await rowsOf('early')).filter((r) => r.channel === 'text');
    expect(sms.map((r) => [r.id, r.recipient.recipient])).toEqual([['early.esc1.ana.r2.escalated.text', '+351910000001']]);
  });

  it('a critical at 09:00:01 pages B; a missing contact is recorded, not sent', async () => {
    const [event] = await runEscalationStep(database.store.db, store, config, { alertId: 'late', step: 0 }, AFTER_HANDOFF, escalations);
    expect(event?.comment).toBe(
      'unacknowledged after 120 s: step 1 notifies team; bruno (on call in Primary) by mail to bruno@example.com; bruno (on call in Primary): not paged, bruno has no phone for channel text',
    );
    expect((await rowsOf('late')).map((r) => [r.channel, r.recipient.recipient]).sort()).toEqual([
      ['mail', 'bruno@example.com'],
      ['team', undefined],
    ]);
    const audit = await database.store.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, 'late'), eq(auditEvents.action, 'oncall.page_skipped')));
    expect(audit).toHaveLength(1);
  });

  it('acknowledging stops the later rules for everyone: the queued job is removed and a stray run sends nothing', async () => {
    const { db } = database.store;
    await runEscalationStep(db, store, config, { alertId: 'late', step: 0 }, AFTER_HANDOFF); // already taken: nothing
    await db.insert(alerts).values(hotAlert('acked', new Date(BEFORE_HANDOFF - 180_000)));
    await runEscalationStep(db, store, config, { alertId: 'acked', step: 0 }, BEFORE_HANDOFF, escalations);
    expect(await queue.getJob('acked.esc.0.ana.1')).toBeTruthy();
    await db.update(alerts).set({ status: 'acknowledged' }).where(eq(alerts.id, 'acked'));
    await escalations.cancel('acked', 'critical');
    expect(await queue.getJob('acked.esc.0.ana.1')).toBeUndefined();
    expect(await runEscalationStep(db, store, config, { alertId: 'acked', step: 0, user: 'ana', rule: 1, schedule: 'Primary' }, BEFORE_HANDOFF + 300_000, escalations)).toEqual([]);
    expect((await rowsOf('acked')).filter((r) => r.channel === 'text')).toEqual([]);
    const events = await db.select({ type: alertEvents.type }).from(alertEvents).where(eq(alertEvents.alertId, 'acked'));
    expect(events.map((e) => e.type)).toEqual(['escalated']);
  });

  it('an override added through the API (in PostgreSQL) wins over the rotation and the file', async () => {
    const { db } = database.store;
    await db.insert(oncallOverrides).values({ schedule: 'Primary', user: 'bruno', startsAt: new Date(BEFORE_HANDOFF - 60_000), endsAt: new Date(BEFORE_HANDOFF + 60_000), createdBy: 'admin' });
    await db.insert(alerts).values(hotAlert('covered', new Date(BEFORE_HANDOFF - 180_000)));
    const [event] = await runEscalationStep(db, store, config, { alertId: 'covered', step: 0 }, BEFORE_HANDOFF, escalations);
    expect(event?.comment).toContain('bruno (on call in Primary) by mail to bruno@example.com');
    expect(event?.comment).not.toContain('ana');
  });

  it('after Redis lost its delayed jobs, restore puts back the later rules of the people a taken step paged, not those already run', async () => {
    const { db } = database.store;
    await db.insert(alerts).values(hotAlert('restored', new Date(BEFORE_HANDOFF - 600_000)));
    // Taken before the 'covered' override's minute: ana was on call then. No queue: the later rule's job is lost.
    await runEscalationStep(db, store, config, { alertId: 'restored', step: 0 }, BEFORE_HANDOFF - 120_000);
    expect(await queue.getJob('restored.esc.0.ana.1')).toBeUndefined();
    expect(await escalations.restore(db, BEFORE_HANDOFF)).toBe(1);
    const job = await queue.getJob('restored.esc.0.ana.1');
    expect(job?.data).toEqual({ alertId: 'restored', step: 0, user: 'ana', rule: 1, schedule: 'Primary' });
    expect(job?.opts.delay).toBe(180_000);
  });
});
