import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { asc } from 'drizzle-orm';
import { isHistoryRule, type HistoryRule, type RuleSpec } from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import { HistoryStore, alertEvents, alerts, notifications, silences, type StoredSample } from '@vigia/db';
import { redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Evaluator, HistoryRuleObserver, actOnAlert, backtestFromHistory, buildRules, runEscalationStep } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
// Days of minutes in PostgreSQL and hours of ticks, on two cores shared with other work: generous.
const SLOW = { timeout: 240_000 };

const YAML = `alerts:
  collector_down: { enabled: false }
  default_cooldown: 1h
  escalation:
    critical: [{ after: 5m, channels: [hook] }]
  rules:
    - name: Disk Full Soon
      metric: disk_usage_percent
      predict: { over: 6h, within: 24h, value: 100 }
      for: 30m
      severity: warning
    - name: Connections Exhausted Soon
      metric: db_connections
      predict: { over: 6h, within: 24h, value: db_connections_max }
      severity: warning
    - name: Orders Below Usual
      metric: orders_per_minute
      baseline: { weeks: 4, window: 10m, factor: 3, direction: below }
      severity: critical
channels:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }
`;

async function setup(): Promise<{ database: TestDatabase; config: VigiaConfig; rules: RuleSpec[]; evaluator: Evaluator; cleanup: () => Promise<void> }> {
  const config = loadYamlConfig(YAML, { REDIS_URL: TEST_REDIS_URL });
  const database = await createTestStore('postgres');
  const prefix = redisPrefix();
  const redis = new Redis(TEST_REDIS_URL);
  const rules = buildRules(config);
  const evaluator = new Evaluator(rules, config, new AlertStore(database.store.db, 'http://vigia'), redis, redisKeys(prefix.prefix), quiet, [
    new HistoryRuleObserver(rules, database.store.sql, quiet),
  ]);
  return {
    database,
    config,
    rules,
    evaluator,
    cleanup: async () => {
      await database.drop();
      await prefix.cleanup();
      redis.disconnect();
    },
  };
}

const ruleNamed = (rules: RuleSpec[], name: string) => rules.find((r) => r.name === name) as HistoryRule;

describe('forecast (predict) rules on stored history', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  // Whole hours, 40 h back: the disk fills from 70 % at t0 by 1 % an hour, so it is full at t0 + 30 h.
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - 40 * HOUR;
  const fullAt = t0 + 30 * HOUR;

  beforeAll(async () => {
    env = await setup();
    const samples: StoredSample[] = [];
    for (let t = t0; t < t0 + 30 * HOUR; t += MIN) {
      const hours = (t - t0) / HOUR;
      samples.push(
        { name: 'disk_usage_percent', labels: { mount: '/' }, value: 70 + hours, timestamp: t },
        { name: 'disk_usage_percent', labels: { mount: '/data' }, value: 50, timestamp: t },
        // Connections climb by 2 an hour from 40 towards a pool of 100: full at t0 + 30 h too.
        { name: 'db_connections', labels: {}, value: 40 + 2 * hours, timestamp: t },
        { name: 'db_connections_max', labels: {}, value: 100, timestamp: t },
      );
    }
    await new HistoryStore(env.database.store.sql).insert(samples);
  }, 120_000);
  afterAll(() => env?.cleanup());

  it('disk growing 1 %/h from 70 %: a predict rule with within: 24h fires at least 20 h before 100 %, saying when', SLOW, async () => {
    const db = env.database.store.db;
    const firedAt = new Map<string, number>();
    for (let now = t0 + 10 * MIN + SEC; now < fullAt && firedAt.size < 2; now += 10 * MIN) {
      await env.evaluator.tick(now);
      for (const a of await db.select().from(alerts)) if (!firedAt.has(a.rule)) firedAt.set(a.rule, now);
    }
    const disk = firedAt.get('Disk Full Soon');
    expect(disk).toBeDefined();
    expect(fullAt - disk!).toBeGreaterThanOrEqual(20 * HOUR);
    // The line fitted over 6 h reaches 100 at +24 h once the disk is at 76 %; `for: 30m` after that.
    expect(disk! - t0).toBeGreaterThanOrEqual(6 * HOUR + 30 * MIN);
    const rows = await db.select().from(alerts).orderBy(asc(alerts.startedAt));
    const diskAlert = rows.find((r) => r.rule === 'Disk Full Soon')!;
    expect(diskAlert.labels).toEqual({ mount: '/' });
    // The predicted time is within the minute of the real one (the fit is exact on a straight line).
    const predicted = Date.parse(/at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/.exec(diskAlert.summary)![1]!.replace(' ', 'T') + ':00Z');
    expect(Math.abs(predicted - fullAt)).toBeLessThanOrEqual(2 * MIN);
    expect(diskAlert.summary).toMatch(/^disk_usage_percent\{mount="\/"\} is predicted to reach 100 at .* UTC, in 2\dh/);
    // Another metric as the target: db_connections against db_connections_max.
    const conns = rows.find((r) => r.rule === 'Connections Exhausted Soon')!;
    expect(firedAt.get('Connections Exhausted Soon')! - t0).toBeLessThan(8 * HOUR);
    expect(conns.summary).toContain('predicted to reach db_connections_max (100)');
    expect(rows.some((r) => r.labels.mount === '/data')).toBe(false);

    // Acknowledged: it keeps firing quietly (no repeat after the cooldown) until the condition clears.
    await actOnAlert(
      { store: new AlertStore(db, 'http://vigia'), rules: env.rules, config: env.config, redis: new Redis(TEST_REDIS_URL, { lazyConnect: true }), keys: redisKeys('unused:') },
      { id: diskAlert.id, kind: 'acknowledge', actor: 'ana', now: disk! + MIN },
    );
    for (let now = disk! + 10 * MIN; now < disk! + 3 * HOUR; now += 10 * MIN) await env.evaluator.tick(now);
    const sent = (await db.select().from(notifications).orderBy(asc(notifications.createdAt))).filter((n) => n.payload.rule === 'Disk Full Soon');
    expect(sent.map((n) => n.reason)).toEqual(['new', 'acknowledged']);
    expect((sent[0]!.payload as { summary: string }).summary).toContain('is predicted to reach 100');

    // The backtest over the same history fires on the same 10-minute step as the engine.
    const replay = await backtestFromHistory(env.database.store.sql, ruleNamed(env.rules, 'Disk Full Soon'), { from: t0, to: fullAt, stepMs: 10 * MIN });
    expect(replay.episodes).toHaveLength(1);
    expect(replay.episodes[0]).toMatchObject({ labels: { mount: '/' }, end: null });
    expect(Math.abs(replay.episodes[0]!.firedAt - (disk! - SEC))).toBeLessThanOrEqual(10 * MIN);
  });

  it('a silence holds a forecast alert like any other', SLOW, async () => {
    const fresh = await setup();
    try {
      const samples: StoredSample[] = [];
      for (let t = t0; t < t0 + 8 * HOUR; t += MIN) samples.push({ name: 'disk_usage_percent', labels: { mount: '/' }, value: 70 + (t - t0) / HOUR, timestamp: t });
      await new HistoryStore(fresh.database.store.sql).insert(samples);
      const db = fresh.database.store.db;
      await db.insert(silences).values({ matchers: { rule: 'Disk Full Soon', labels: {} }, startsAt: new Date(t0), endsAt: new Date(t0 + 8 * HOUR), createdBy: 'ana', comment: 'resizing the volume' });
      for (let now = t0 + 6 * HOUR; now < t0 + 8 * HOUR; now += 10 * MIN) await fresh.evaluator.tick(now + SEC);
      expect((await db.select().from(alerts)).map((a) => a.rule)).toEqual(['Disk Full Soon']);
      expect((await db.select().from(alertEvents)).map((e) => e.type)).toContain('held');
      expect(await db.select().from(notifications)).toHaveLength(0);
    } finally {
      await fresh.cleanup();
    }
  });
});

/** A day-shaped order rate (busy afternoons, quiet nights) with a little noise, the same every week. */
function orders(t: number, seed?: { s: number }): number {
  if (seed) seed.s = (seed.s * 1_103_515_245 + 12_345) % 2 ** 31;
  const noise = seed ? 1 + ((seed.s / 2 ** 31) * 2 - 1) * 0.03 : 1;
  return 100 * (1 + 0.6 * Math.sin((2 * Math.PI * ((t % DAY) - 6 * HOUR)) / DAY)) * noise;
}

describe('baseline rules on stored history', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  // T: when orders drop by half. Eight weeks before it are normal, but for one odd week: two
  // weeks before T, orders ran at three times the usual for six hours around that time.
  const T = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const oddFrom = T - 2 * WEEK - 3 * HOUR;
  const oddTo = T - 2 * WEEK + 3 * HOUR;

  beforeAll(async () => {
    env = await setup();
    const seed = { s: 7 };
    const samples: StoredSample[] = [];
    for (let t = T - 8 * WEEK; t < T + HOUR; t += MIN) {
      let v = orders(t, seed);
      if (t >= oddFrom && t < oddTo) v *= 3;
      if (t >= T) v *= 0.5;
      samples.push({ name: 'orders_per_minute', labels: { shop: 'main' }, value: v, timestamp: t });
    }
    const history = new HistoryStore(env.database.store.sql);
    for (let i = 0; i < samples.length; i += 20_000) await history.insert(samples.slice(i, i + 20_000));
  }, 180_000);
  afterAll(() => env?.cleanup());

  it('orders dropping by half against the usual time of week fire within 10 minutes; normal hours and an odd past week do not', SLOW, async () => {
    const db = env.database.store.db;
    // Three normal hours before the drop, the odd week among the four the band is made of.
    for (let now = T - 3 * HOUR; now < T; now += 5 * MIN) await env.evaluator.tick(now + SEC);
    expect(await db.select().from(alerts)).toHaveLength(0);
    let firedAt: number | undefined;
    for (let now = T + MIN + SEC; now <= T + 15 * MIN && firedAt === undefined; now += MIN) {
      await env.evaluator.tick(now);
      if ((await db.select().from(alerts)).length) firedAt = now;
    }
    expect(firedAt).toBeDefined();
    expect(firedAt! - T).toBeLessThanOrEqual(10 * MIN);
    const [alert] = await db.select().from(alerts);
    expect(alert).toMatchObject({ rule: 'Orders Below Usual', severity: 'critical', status: 'firing' });
    // The message shows the expected band and the actual value; the odd week did not move the median.
    const m = /is ([\d.]+) over the last 10m, below the usual ([\d.]+)–([\d.]+) for this time of week \(median ([\d.]+) of 4 past weeks\)/.exec(alert!.summary);
    expect(m, alert!.summary).not.toBeNull();
    const [actual, lower, upper, median] = m!.slice(1).map(Number) as [number, number, number, number];
    expect(actual).toBeLessThan(lower);
    expect(lower).toBeLessThan(median);
    expect(upper).toBeGreaterThan(median);
    const usual = orders(T);
    expect(Math.abs(median - usual) / usual).toBeLessThan(0.05);

    // Unacknowledged after 5 minutes, it escalates like any critical alert.
    const escalated = await runEscalationStep(db, new AlertStore(db, 'http://vigia'), env.config, { alertId: alert!.id, step: 0 }, firedAt! + 6 * MIN);
    expect(escalated).toMatchObject([{ type: 'escalated', alertId: alert!.id }]);
    expect((await db.select().from(notifications)).map((n) => n.reason).sort()).toEqual(['escalated', 'new']);
  });

  it('backtest: four normal weeks replayed fire at most once a week, and the drop is caught', SLOW, async () => {
    const rule = ruleNamed(env.rules, 'Orders Below Usual');
    expect(isHistoryRule(rule)).toBe(true);
    const normal = await backtestFromHistory(env.database.store.sql, rule, { from: T - 4 * WEEK, to: T - MIN, stepMs: MIN });
    expect(normal.steps).toBeGreaterThan(4 * 7 * 1440 - 10);
    expect(normal.episodes.length).toBeLessThanOrEqual(4);
    const drop = await backtestFromHistory(env.database.store.sql, rule, { from: T - HOUR, to: T + 30 * MIN, stepMs: MIN });
    expect(drop.episodes).toHaveLength(1);
    expect(drop.episodes[0]!.firedAt - T).toBeLessThanOrEqual(10 * MIN);
    expect(drop.episodes[0]!.firedAt).toBeGreaterThan(T);
  });
});

describe('history rules at start-up', () => {
  it('refuses a rule that reads further back than the 1-minute rollups are kept', () => {
    const config = loadYamlConfig(`retention: { 1m: 7d }\n${YAML}`, { REDIS_URL: TEST_REDIS_URL });
    expect(() => buildRules(config)).toThrow(/alerts\.rules\[2\]\.baseline\.weeks \(rule "Orders Below Usual"\): reads 4w10m of 1-minute history, but retention\.1m keeps 1w/);
  });
});
