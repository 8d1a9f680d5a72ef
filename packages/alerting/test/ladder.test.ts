import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { asc } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { alertEvents, alerts, notifications } from '@vigia/db';
import { SampleWriter, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Evaluator, actOnAlert, buildRules } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('a severity raised within one episode', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL);
  let evaluator: Evaluator;
  let writer: SampleWriter;
  let store: AlertStore;
  let config: VigiaConfig;
  let now = Date.UTC(2026, 10, 26, 12, 0, 0);

  beforeAll(async () => {
    config = loadYamlConfig(
      `alerts:
  collector_down: { enabled: false }
  rules:
    - { name: High Memory, metric: mem, operator: ">", threshold: 85, severity: warning }
    - { name: Critical Memory, metric: mem, operator: ">", threshold: 95, severity: critical }
channels:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }
`,
      { REDIS_URL: TEST_REDIS_URL },
    );
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    const keys = redisKeys(prefix.prefix);
    writer = new SampleWriter(redis, keys, { liveWindowMs: 3_600_000 });
    store = new AlertStore(database.store.db, 'http://vigia');
    evaluator = new Evaluator(buildRules(config), config, store, redis, keys, quiet);
  });
  afterAll(async () => {
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  async function at(value: number) {
    now += 10_000;
    await writer.write({ source: 'test', samples: [{ key: 'mem', name: 'mem', labels: {}, value, timestamp: now }] });
    await evaluator.tick(now);
  }
  const db = () => database.store.db;

  it('raises, lowers and resolves one alert, with one message at each step', async () => {
    await at(90); // warning fires
    await at(97); // critical holds too: the same alert, raised
    let rows = await db().select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rule: 'High Memory', severity: 'critical', status: 'firing' });

    await actOnAlert({ store, rules: buildRules(config), config, redis, keys: redisKeys(prefix.prefix) }, { id: rows[0]!.id, kind: 'acknowledge', actor: 'ana' });
    await at(97);
    expect((await db().select().from(alerts))[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ana' });

    await at(90); // critical no longer holds: back to warning, still open, still acknowledged
    rows = await db().select().from(alerts);
    expect(rows[0]).toMatchObject({ severity: 'warning', status: 'acknowledged' });
    await at(50); // nothing holds: resolved
    rows = await db().select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'resolved' });

    const events = await db().select().from(alertEvents).orderBy(asc(alertEvents.id));
    expect(events.map((e) => e.type)).toEqual(['firing', 'escalated', 'acknowledged', 'lowered', 'resolved']);
    const sent = await db().select().from(notifications).orderBy(asc(notifications.createdAt));
    expect(sent.map((n) => n.reason)).toEqual(['new', 'escalated', 'acknowledged', 'resolved']);
  });
});
