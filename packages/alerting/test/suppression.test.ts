import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { eq } from 'drizzle-orm';
import { notifications, silences, alertEvents } from '@vigia/db';
import { SampleWriter, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Evaluator, SuppressionCache, activeOccurrence, buildRules, suppressionsChanged } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const at = (hhmm: string) => Date.parse(`2026-11-26T${hhmm}:00Z`);

describe('silences and maintenance windows, on a clock the test controls', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL);
  let evaluator: Evaluator;
  let writer: SampleWriter;
  let keys: ReturnType<typeof redisKeys>;
  let config: ReturnType<typeof loadYamlConfig>;

  beforeAll(async () => {
    config = loadYamlConfig(
      `alerts:
  collector_down: { enabled: false }
  default_cooldown: 1h
  rules:
    - { name: Hot, metric: temp, operator: ">", threshold: 50, severity: warning }
channels:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook" }
maintenance_windows:
  - { name: Backup, every: daily, at: "10:00", duration: 30m, timezone: UTC, match: { labels: { room: a } } }
`,
      { REDIS_URL: TEST_REDIS_URL },
    );
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    keys = redisKeys(prefix.prefix);
    writer = new SampleWriter(redis, keys, { liveWindowMs: 3_600_000 });
    evaluator = new Evaluator(buildRules(config), config, new AlertStore(database.store.db, 'http://vigia'), redis, keys, quiet);
  });
  afterAll(async () => {
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  async function tickWith(room: string, value: number, now: number) {
    await writer.write({ source: 'test', samples: [{ key: `temp{room="${room}"}`, name: 'temp', labels: { room }, value, timestamp: now }] });
    return evaluator.tick(now);
  }
  const sent = async () => (await database.store.db.select().from(notifications)).map((n) => `${n.payload.labels.room}:${n.reason}`).sort();

  it('knows when a recurring window is open, in its time zone', () => {
    const daily = { every: 'daily' as const, at: '02:00', durationMs: 3_600_000, timezone: 'America/Sao_Paulo' };
    expect(activeOccurrence(daily, Date.parse('2026-11-26T05:30:00Z'))).toEqual({ start: Date.parse('2026-11-26T05:00:00Z'), end: Date.parse('2026-11-26T06:00:00Z') });
    expect(activeOccurrence(daily, Date.parse('2026-11-26T06:00:00Z'))).toBeNull();
    expect(activeOccurrence({ ...daily, every: 'weekly', days: ['sat'] }, Date.parse('2026-11-26T05:30:00Z'))).toBeNull(); // a Thursday
  });

  it('holds what fires inside a window and sends it once when the window ends while it still fires', async () => {
    await tickWith('a', 20, at('09:55'));
    await tickWith('a', 99, at('10:05')); // fires inside the window
    expect(await sent()).toEqual([]);
    const [event] = await database.store.db.select().from(alertEvents).where(eq(alertEvents.type, 'held'));
    expect(event!.comment).toBe('held by maintenance window Backup');
    await tickWith('a', 99, at('10:20'));
    expect(await sent()).toEqual([]);
    await tickWith('a', 99, at('10:31')); // the window is over, the alert still fires
    expect(await sent()).toEqual(['a:new']);
    await tickWith('a', 99, at('10:40'));
    expect(await sent()).toEqual(['a:new']); // once
  });

  it('holds a resolution inside a silence and sends it when the silence ends', async () => {
    const ofB = async () => (await sent()).filter((s) => s.startsWith('b'));
    await tickWith('b', 99, at('11:00'));
    expect(await ofB()).toEqual(['b:new']);
    await database.store.db
      .insert(silences)
      .values({ matchers: { rule: 'Hot', labels: { room: 'b' } }, startsAt: new Date(at('11:05')), endsAt: new Date(at('11:20')), createdBy: 'ana', comment: 'fixing the fan' });
    await suppressionsChanged(redis, keys.suppressionsVersion);
    await tickWith('b', 10, at('11:10')); // resolves inside the silence
    expect(await ofB()).toEqual(['b:new']);
    await tickWith('b', 10, at('11:25'));
    expect(await ofB()).toEqual(['b:new', 'b:resolved']);
  });

  it('sends nothing at all for what starts and ends inside a silence', async () => {
    await database.store.db.insert(silences).values({ matchers: { labels: { room: 'c' } }, startsAt: new Date(at('12:00')), endsAt: new Date(at('12:30')), createdBy: 'ana', comment: 'planned' });
    await suppressionsChanged(redis, keys.suppressionsVersion);
    await tickWith('c', 99, at('12:05'));
    await tickWith('c', 10, at('12:10'));
    await tickWith('c', 10, at('12:40'));
    expect((await sent()).filter((s) => s.startsWith('c'))).toEqual([]);
  });

  it('an evaluation a millisecond after a silence is made or ended sees it: its rows are re-read when the version moves', async () => {
    const cache = new SuppressionCache(database.store.db, config.maintenanceWindows, redis, keys.suppressionsVersion);
    const labels = { room: 'd' };
    const now = at('13:00');
    expect((await cache.at(now)).match('Hot', labels)).toBeNull();
    const [row] = await database.store.db
      .insert(silences)
      .values({ matchers: { labels }, startsAt: new Date(now), endsAt: new Date(now + 600_000), createdBy: 'ana', comment: 'swap' })
      .returning();
    await suppressionsChanged(redis, keys.suppressionsVersion);
    expect((await cache.at(now + 1)).match('Hot', labels)).toMatchObject({ kind: 'silence', id: String(row!.id) });
    // Held rows still answer by the clock: past its end the silence covers nothing, without a read.
    expect((await cache.at(now + 600_000)).match('Hot', labels)).toBeNull();
    await database.store.db
      .update(silences)
      .set({ endedAt: new Date(now + 2), endedBy: 'ana' })
      .where(eq(silences.id, row!.id));
    await suppressionsChanged(redis, keys.suppressionsVersion);
    expect((await cache.at(now + 3)).match('Hot', labels)).toBeNull();
  });
});
