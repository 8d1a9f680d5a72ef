import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { asc } from 'drizzle-orm';
import { checkSlo, type VigiaConfig } from '@vigia/config';
import { HistoryStore, alertEvents, alerts, notifications, silences, type StoredSample } from '@vigia/db';
import { redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Evaluator, SloObserver, buildRules, readSloStatus, sloBacktest, sloRules, warnSilentSlis } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const STEP = 15 * SEC;
const REQUESTS_PER_STEP = 1_000;

const SLO_YAML = `alerts:
  collector_down: { enabled: false }
slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    sli: { errors: api_errors_total, total: api_requests_total }
channels:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }
`;

/** Counters of a service answering REQUESTS_PER_STEP requests every 15 s, `errorShare(t)` of them failing. */
function traffic(from: number, to: number, errorShare: (t: number) => number, resetAt?: number): { samples: StoredSample[]; points: { t: number; errors: number; total: number }[] } {
  const samples: StoredSample[] = [];
  const points: { t: number; errors: number; total: number }[] = [];
  let total = 0;
  let errors = 0;
  for (let t = from; t < to; t += STEP) {
    // A restart of the service: both counters start again from zero.
    if (resetAt !== undefined && t === resetAt) total = errors = 0;
    total += REQUESTS_PER_STEP;
    errors += Math.round(REQUESTS_PER_STEP * errorShare(t));
    points.push({ t, errors, total });
    samples.push({ name: 'api_requests_total', labels: {}, value: total, timestamp: t }, { name: 'api_errors_total', labels: {}, value: errors, timestamp: t });
  }
  return { samples, points };
}

/**
 * The test's own arithmetic, from the counters as written: the increases of samples inside
 * [start, end) (a value below the one before is a restart: it counts from zero), then
 * the error ratio. Whole minutes only, as the engine reads them.
 */
function errorRatio(points: { t: number; errors: number; total: number }[], start: number, end: number): number | null {
  let errors = 0;
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.t < start || p.t >= end) continue;
    const prev = points[i - 1];
    const inc = (now: number, before: number | undefined) => (before === undefined ? 0 : now >= before ? now - before : now);
    // The sample before the window counts only as where the increase starts from.
    errors += inc(p.errors, prev && prev.t >= start - MIN ? prev.errors : prev ? prev.errors : undefined);
    total += inc(p.total, prev ? prev.total : undefined);
  }
  return total > 0 ? errors / total : null;
}

const WINDOWS: Record<string, number> = { '5m': 5 * MIN, '30m': 30 * MIN, '1h': HOUR, '2h': 2 * HOUR, '6h': 6 * HOUR, '1d': 24 * HOUR, '3d': 72 * HOUR };
function burn(points: { t: number; errors: number; total: number }[], now: number, window: string): number {
  const end = Math.floor(now / MIN) * MIN;
  return (errorRatio(points, end - WINDOWS[window]!, end) ?? 0) / 0.001;
}
function levelAt(points: { t: number; errors: number; total: number }[], now: number): 'page' | 'ticket' | 'ok' {
  const b = (w: string) => burn(points, now, w);
  if ((b('1h') > 14.4 && b('5m') > 14.4) || (b('6h') > 6 && b('30m') > 6)) return 'page';
  if ((b('1d') > 3 && b('2h') > 3) || (b('3d') > 1 && b('6h') > 1)) return 'ticket';
  return 'ok';
}

// Hours of minutes ticked one by one, on two cores shared with other work: generous.
const SLOW = { timeout: 180_000 };

describe('SLO burn-rate alerts on stored history', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL);
  let config: VigiaConfig;
  let evaluator: Evaluator;
  let history: HistoryStore;
  // Whole hours, so minutes and the test's windows line up with the rollups' buckets.
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - 8 * HOUR;

  beforeEach(async () => {
    config = loadYamlConfig(SLO_YAML, { REDIS_URL: TEST_REDIS_URL });
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    const rules = buildRules(config);
    evaluator = new Evaluator(rules, config, new AlertStore(database.store.db, 'http://vigia'), redis, redisKeys(prefix.prefix), quiet, [
      new SloObserver(config.slos, rules, database.store.sql, quiet),
    ]);
    history = new HistoryStore(database.store.sql);
  }, 60_000);
  afterEach(async () => {
    await database?.drop();
    await prefix?.cleanup();
  });

  const db = () => database.store.db;

  it('pages within 5 minutes of 2 % errors, as one alert, and resolves within 5 minutes of the burn conditions clearing', SLOW, async () => {
    const errorsUntil = t0 + 6 * MIN;
    const { samples, points } = traffic(t0, t0 + 3 * HOUR, (t) => (t < errorsUntil ? 0.02 : 0));
    await history.insert(samples);

    let pagedAt: number | undefined;
    let clearedAt: number | undefined;
    let resolvedTick: number | undefined;
    for (let m = 1; m <= 170 && resolvedTick === undefined; m++) {
      const now = t0 + m * MIN + SEC;
      await evaluator.tick(now);
      const rows = await db().select().from(alerts);
      if (pagedAt === undefined && rows[0]?.severity === 'critical') pagedAt = now;
      if (pagedAt !== undefined && clearedAt === undefined && levelAt(points, now) === 'ok') clearedAt = now;
      if (rows[0]?.status === 'resolved') resolvedTick = now;
    }
    expect(pagedAt).toBeDefined();
    expect(pagedAt! - t0).toBeLessThanOrEqual(5 * MIN);
    expect(clearedAt).toBeDefined();
    expect(resolvedTick).toBeDefined();
    expect(resolvedTick!).toBeGreaterThanOrEqual(clearedAt!);
    expect(resolvedTick! - clearedAt!).toBeLessThanOrEqual(5 * MIN);

    const rows = await db().select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rule: 'SLO api-availability (page)', status: 'resolved' });
    // Opened as a page, lowered to a ticket while the long windows still burn (reminded every
    // cooldown by one of its rules, not both), then resolved.
    const events = (await db().select().from(alertEvents).orderBy(asc(alertEvents.id))).map((e) => e.type);
    expect(events.filter((e) => e !== 'repeat')).toEqual(['firing', 'lowered', 'resolved']);
    const sent = await db().select().from(notifications).orderBy(asc(notifications.createdAt));
    expect(sent.map((n) => n.reason).filter((r) => r !== 'repeat')).toEqual(['new', 'resolved']);

    // The backtest over the same history tells the same story, minute for minute.
    const replay = await sloBacktest(database.store.sql, config.slos[0]!, t0, t0 + 3 * HOUR);
    expect(replay.episodes).toHaveLength(1);
    expect(replay.episodes[0]).toMatchObject({ start: pagedAt! - SEC, pagedAt: pagedAt! - SEC, end: resolvedTick! - SEC, severity: 'critical' });
    const repeats = sent.filter((n) => n.reason === 'repeat');
    expect(repeats.length).toBeLessThanOrEqual(Math.ceil((resolvedTick! - pagedAt!) / (30 * MIN)));
    // The page says how fast the budget burns and what is left of it.
    expect((sent[0]!.payload as { summary: string }).summary).toMatch(
      /^SLO api-availability \(99\.9% over 30d\): error budget burning at 20\.0x over 1h and 20\.0x over 5m \(limit 14\.4x\); -?[\d.]+% of the budget left/,
    );
    expect(rows[0]!.summary).toMatch(/^SLO api-availability/);
  });

  it('after clean traffic, 2 % errors page when the 1 h window averages past 14.4 (about 43 minutes), not before', SLOW, async () => {
    const errorsFrom = t0 + 2 * HOUR;
    const { samples, points } = traffic(t0, t0 + 3 * HOUR, (t) => (t >= errorsFrom ? 0.02 : 0));
    await history.insert(samples);
    let pagedAt: number | undefined;
    for (let m = 120; m <= 180 && pagedAt === undefined; m++) {
      const now = t0 + m * MIN + SEC;
      await evaluator.tick(now);
      if ((await db().select().from(alerts))[0]?.severity === 'critical') pagedAt = now;
    }
    expect(pagedAt).toBeDefined();
    // The test's own arithmetic says when the page condition first holds; the alert follows on that tick.
    let expected = errorsFrom;
    while (levelAt(points, expected + SEC) !== 'page') expected += MIN;
    expect(pagedAt).toBe(expected + SEC);
    expect(pagedAt! - errorsFrom).toBeGreaterThan(40 * MIN);
    expect(pagedAt! - errorsFrom).toBeLessThan(46 * MIN);
    // Backtested: a ticket first (1d and 2h past 3), the page on the same minute as the engine's.
    const replay = await sloBacktest(database.store.sql, config.slos[0]!, t0, t0 + 3 * HOUR);
    expect(replay.episodes).toHaveLength(1);
    expect(replay.episodes[0]!.pagedAt).toBe(pagedAt! - SEC);
    expect(replay.episodes[0]!.start).toBeLessThan(replay.episodes[0]!.pagedAt!);
  });

  it('a silence on slo: <name> holds the page like any alert’s, and sends it once the silence ends', SLOW, async () => {
    const { samples } = traffic(t0, t0 + HOUR, () => 0.02);
    await history.insert(samples);
    await db()
      .insert(silences)
      .values({ matchers: { labels: { slo: 'api-availability' } }, startsAt: new Date(t0), endsAt: new Date(t0 + 10 * MIN), createdBy: 'ana', comment: 'load test' });
    for (let m = 1; m <= 5; m++) await evaluator.tick(t0 + m * MIN + SEC);
    const rows = await db().select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', status: 'firing' });
    expect((await db().select().from(alertEvents)).map((e) => e.type)).toContain('held');
    expect(await db().select().from(notifications)).toHaveLength(0);
    // The silence ends: the page is sent once.
    for (let m = 11; m <= 12; m++) await evaluator.tick(t0 + m * MIN + SEC);
    expect((await db().select().from(notifications)).map((n) => n.reason)).toEqual(['new']);
  });

  it('0.2 % errors for 6 hours: one ticket-level warning, never a page', SLOW, async () => {
    const { samples, points } = traffic(t0, t0 + 6 * HOUR, () => 0.002);
    await history.insert(samples);
    for (let m = 2; m <= 6 * 60; m += 5) await evaluator.tick(t0 + m * MIN + SEC);
    expect(levelAt(points, t0 + 6 * HOUR)).toBe('ticket');
    const rows = await db().select().from(alerts);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rule: 'SLO api-availability (ticket)', severity: 'warning', status: 'firing' });
    expect(rows[0]!.summary).toContain('limit 1x');
    const events = (await db().select().from(alertEvents)).map((e) => e.type);
    expect(events).not.toContain('escalated');
    // One alert: its first message, then the usual reminders every cooldown (30 min) while it burns.
    const reasons = (await db().select().from(notifications).orderBy(asc(notifications.createdAt))).map((n) => n.reason);
    expect(reasons[0]).toBe('new');
    expect(new Set(reasons.slice(1))).toEqual(new Set(['repeat']));
  });

  it('remaining budget equals the test’s own calculation to 4 decimal places, across a counter reset', SLOW, async () => {
    // Errors vary by the minute; the service restarts 3 h in (both counters back to zero).
    const share = (t: number) => [0.0004, 0.0011, 0.0002, 0.003, 0][Math.floor((t - t0) / MIN) % 5]!;
    const { samples, points } = traffic(t0, t0 + 7 * HOUR, share, t0 + 3 * HOUR);
    await history.insert(samples);
    const now = t0 + 7 * HOUR + 30 * SEC;
    const status = await readSloStatus(database.store.sql, config.slos[0]!, now);
    const end = Math.floor(now / MIN) * MIN;
    const ratio = errorRatio(points, end - 30 * 24 * HOUR, end)!;
    const expected = 100 - (ratio / 0.001) * 100;
    expect(status.budget!.remaining).toBeCloseTo(expected, 4);
    expect(status.budget!.consumed).toBeCloseTo(100 - expected, 4);
    expect(status.burnRates['1h']).toBeCloseTo(burn(points, now, '1h'), 4);
    expect(status.burnRates['5m']).toBeCloseTo(burn(points, now, '5m'), 4);
  });

  it('a probe SLI and a percent ratio SLI: 1 - mean success, in budget terms', SLOW, async () => {
    const samples: StoredSample[] = [];
    // One failed probe in every 200 (0.5 %), a success ratio of 99.8 % (0.2 % failing).
    for (let i = 0; i < 4 * 60 * 4; i++) {
      const t = t0 + i * STEP;
      samples.push({ name: 'probe_success', labels: { probe: 'web' }, value: i % 200 === 7 ? 0 : 1, timestamp: t });
      samples.push({ name: 'probe_success', labels: { probe: 'other' }, value: 0, timestamp: t });
      samples.push({ name: 'job_success_percent', labels: {}, value: 99.8, timestamp: t });
    }
    await history.insert(samples);
    const now = t0 + 4 * HOUR;
    const probe = await readSloStatus(database.store.sql, { name: 'web', objective: 99, window: 30 * 24 * HOUR, sli: { probe: 'web' } }, now);
    const failed = samples.filter((s) => s.labels.probe === 'web' && s.value === 0).length / samples.filter((s) => s.labels.probe === 'web').length;
    expect(probe.errorRatio).toBeCloseTo(failed, 10);
    expect(probe.budget!.remaining).toBeCloseTo(100 - (failed / 0.01) * 100, 4);
    const ratio = await readSloStatus(database.store.sql, { name: 'jobs', objective: 99.9, window: 30 * 24 * HOUR, sli: { ratio: 'job_success_percent', percent: true } }, now);
    expect(ratio.burnRates['1h']).toBeCloseTo(2, 6);
    expect(ratio.level).toBe('ticket');
  });

  it('warns at start about an SLI metric nothing has reported', SLOW, async () => {
    await history.insert([{ name: 'api_requests_total', labels: {}, value: 1, timestamp: t0 }]);
    const warnings: string[] = [];
    await warnSilentSlis(config.slos, database.store.sql, { ...quiet, warn: (message: string) => void warnings.push(message) });
    expect(warnings).toEqual(['slos: SLO "api-availability" reads api_errors_total, which nothing has reported yet; it shows no_data until something does']);
  });

  it('an SLI nobody reports is no_data, and raises nothing', SLOW, async () => {
    const status = await readSloStatus(database.store.sql, config.slos[0]!, t0);
    expect(status).toMatchObject({ level: 'no_data', errorRatio: null, budget: null });
    expect(Object.values(status.burnRates).every((v) => v === null)).toBe(true);
    await evaluator.tick(t0 + MIN);
    expect(await db().select().from(alerts)).toHaveLength(0);
  });
});

describe('SLOs replaced while the engine runs (made or removed in the dashboard)', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL);
  afterEach(async () => {
    await database?.drop();
    await prefix?.cleanup();
  });

  it('an SLO added mid-minute is read at the next tick and pages; once removed, its alert resolves', async () => {
    const config = loadYamlConfig('alerts:\n  collector_down: { enabled: false }\n', { REDIS_URL: TEST_REDIS_URL });
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    const rules = buildRules(config);
    const observer = new SloObserver(config.slos, rules, database.store.sql, quiet);
    const evaluator = new Evaluator(rules, config, new AlertStore(database.store.db, 'http://vigia'), redis, redisKeys(prefix.prefix), quiet, [observer]);
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    await new HistoryStore(database.store.sql).insert(traffic(t0, t0 + HOUR, () => 0.02).samples);

    const now = t0 + HOUR + SEC;
    await evaluator.tick(now);
    expect(await database.store.db.select().from(alerts)).toHaveLength(0);

    const checked = checkSlo('checkout', { objective: 99.9, sli: { errors: 'api_errors_total', total: 'api_requests_total' } });
    if (!checked.ok) throw new Error(checked.problems.join('; '));
    const withSlo = [...rules, ...sloRules(config, [checked.slo])];
    evaluator.replaceRules(withSlo);
    observer.replace([checked.slo], withSlo);
    // The same minute: the observer would otherwise reuse what it read at the tick before.
    await evaluator.tick(now + SEC);
    expect(await database.store.db.select().from(alerts)).toEqual([expect.objectContaining({ rule: 'SLO checkout (page)', severity: 'critical', status: 'firing' })]);

    evaluator.replaceRules(rules);
    observer.replace([], rules);
    await evaluator.tick(now + 2 * SEC);
    expect(await database.store.db.select().from(alerts)).toEqual([expect.objectContaining({ rule: 'SLO checkout (page)', status: 'resolved' })]);
    expect(observer.latest()).toEqual([]);
  }, 60_000);
});
