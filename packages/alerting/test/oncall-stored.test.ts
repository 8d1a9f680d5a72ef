import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { ConfigError, loadConfig } from '@vigia/config';
import { alerts, auditEvents, notifications, oncallSchedules, oncallUsers } from '@vigia/db';
import { redisKeys, type EscalatePayload } from '@vigia/live';
import { TEST_REDIS_URL, configFile, createTestStore, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Escalations, checkEscalationTargets, loadOncall, runEscalationStep } from '../src/index.ts';
import { hotAlert } from './hot-alert.ts';

// Sao Paulo has no DST since 2019: a 09:00 hand-off there is 12:00Z.
const BEFORE_HANDOFF = Date.parse('2026-06-10T11:59:59Z');
const AFTER_HANDOFF = Date.parse('2026-06-10T12:00:01Z');
const PUSHOVER_KEY = 'gznej3rKEVAvPUxu9vvNnqpmZpokzF';

describe('people and schedules saved in PostgreSQL (from the dashboard or API)', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  let queue: Queue<EscalatePayload>;
  let config: ReturnType<typeof loadConfig>;
  let file: string;

  beforeAll(async () => {
    file = configFile(
      `alerts:
  escalation:
    critical:
      - { after: 2m, schedules: [Night] }
      - { after: 10m, users: [dora] }
  rules:
    - { name: Hot, metric: temp, operator: ">", threshold: 50, severity: critical }
channels:
  mail: { type: email, host: 127.0.0.1, port: 9, from: vigia@example.com, to: [ops@example.com] }
  push: { type: pushover, url: "http://127.0.0.1:9", token: azGDORePK8gMaC0QOYAMyEEuzJnyUi, user: uQiRzpo4DXghDmr9QzzfQu27cmVRsG }
oncall:
  users:
    ana: { email: ana@example.com, rules: [{ after: 0m, channel: mail }] }
`,
    );
    // Night and dora exist only in PostgreSQL: loading the file alone must not refuse them.
    config = loadConfig({ file, env: { REDIS_URL: TEST_REDIS_URL } });
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    queue = new Queue<EscalatePayload>('escalate', { connection: redis, prefix: redisKeys(prefix.prefix).queues });
  });
  afterAll(async () => {
    await queue?.close();
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  it('a step naming a schedule or person in neither the file nor PostgreSQL stops the start, naming the file and the key', async () => {
    const error = await checkEscalationTargets(database.store.db, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(config.file);
    expect(config.file.endsWith(`${file.split('/').at(-2)}/monitoring.yaml`)).toBe(true);
    expect((error as ConfigError).problems).toEqual([
      'alerts.escalation.critical[0].schedules: no schedule named "Night" under oncall.schedules or added in the dashboard (have: none)',
      'alerts.escalation.critical[1].users: no user named "dora" under oncall.users or added in the dashboard (have: ana)',
    ]);
  });

  it('once saved, they are merged with the file’s (marked as stored) and the start goes on', async () => {
    const { db } = database.store;
    await db.insert(oncallUsers).values({
      name: 'dora',
      contacts: { email: 'dora@example.com', pushover: PUSHOVER_KEY },
      rules: [
        { afterMs: 0, channel: 'push' },
        { afterMs: 300_000, channel: 'mail' },
      ],
      updatedBy: 'admin',
    });
    await db
      .insert(oncallSchedules)
      .values({ name: 'Night', timeZone: 'America/Sao_Paulo', layers: [{ rotation: 'daily', handoff: '09:00', participants: ['ana', 'dora'], start: '2026-06-09' }], updatedBy: 'admin' });
    await checkEscalationTargets(db, config);
    const oncall = await loadOncall(db, config);
    expect(Object.keys(oncall.users).sort()).toEqual(['ana', 'dora']);
    expect([...oncall.stored.users]).toEqual(['dora']);
    expect([...oncall.stored.schedules]).toEqual(['Night']);
    expect(oncall.schedules.Night!.layers[0]).toMatchObject({ rotation: 'daily', handoff: '09:00', timeZone: 'America/Sao_Paulo', participants: ['ana', 'dora'] });
  });

  it('the worker pages whoever the stored schedule puts on call, without a restart; a stored key is masked in the history and audit', async () => {
    const { db } = database.store;
    const store = new AlertStore(db, 'http://vigia');
    const escalations = new Escalations(queue, config, db);
    await db.insert(alerts).values([hotAlert('before', new Date(BEFORE_HANDOFF - 180_000)), hotAlert('after', new Date(BEFORE_HANDOFF - 180_000))]);
    const [early] = await runEscalationStep(db, store, config, { alertId: 'before', step: 0 }, BEFORE_HANDOFF, escalations);
    // 2026-06-09 09:00 ana, 2026-06-10 09:00 dora (America/Sao_Paulo, 12:00Z).
    expect(early?.comment).toBe('unacknowledged after 120 s: step 1 notifies ana (on call in Night) by mail to ana@example.com');
    const [late] = await runEscalationStep(db, store, config, { alertId: 'after', step: 0 }, AFTER_HANDOFF, escalations);
    expect(late?.comment).toBe(
      'unacknowledged after 120 s: step 1 notifies dora (on call in Night) by push to gzn…; dora (on call in Night) by mail to dora@example.com (after 300 s) unless acknowledged',
    );
    const [row] = await db.select().from(notifications).where(eq(notifications.alertId, 'after'));
    expect(row).toMatchObject({ channel: 'push', payload: expect.objectContaining({ recipient: PUSHOVER_KEY }) });
    const [audited] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, 'after'));
    expect(audited).toMatchObject({ action: 'oncall.page', detail: { user: 'dora', schedule: 'Night', channel: 'push', recipient: 'gzn…' } });
    // Acknowledging stops her later rule too, though she is known only to PostgreSQL.
    expect(await queue.getJob('after.esc.0.dora.1')).toBeTruthy();
    await escalations.cancel('after', 'critical');
    expect(await queue.getJob('after.esc.0.dora.1')).toBeUndefined();
  });

  it('a step naming a person (users:) pages them by their own rules, whoever is on call', async () => {
    const { db } = database.store;
    const store = new AlertStore(db, 'http://vigia');
    const escalations = new Escalations(queue, config, db);
    // ana is on call in Night at this moment; the second step names dora, so dora it is.
    const [event] = await runEscalationStep(db, store, config, { alertId: 'before', step: 1 }, BEFORE_HANDOFF - 180_000 + 600_000, escalations);
    expect(event?.comment).toBe('unacknowledged after 600 s: step 2 notifies dora by push to gzn…; dora by mail to dora@example.com (after 300 s) unless acknowledged');
    const paged = await db.select().from(notifications).where(eq(notifications.alertId, 'before'));
    expect(paged.map((n) => [n.channel, n.payload.recipient]).sort()).toEqual([
      ['mail', 'ana@example.com'],
      ['push', PUSHOVER_KEY],
    ]);
    const audited = await db.select().from(auditEvents).where(eq(auditEvents.targetId, 'before'));
    expect(audited.map((a) => a.detail)).toContainEqual(expect.objectContaining({ user: 'dora', channel: 'push', recipient: 'gzn…', step: 2 }));
    expect(audited.find((a) => (a.detail as { step?: number }).step === 2)?.detail).toMatchObject({ schedule: null });
    expect((await queue.getJob('before.esc.1.dora.1'))?.data).toEqual({ alertId: 'before', step: 1, user: 'dora', rule: 1 });
    await escalations.cancel('before', 'critical');
  });
});
