import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { alerts } from '@vigia/db';
import { SampleWriter, redisKeys } from '@vigia/live';
import { seriesKey } from '@vigia/core';
import { TEST_REDIS_URL, configProblems, createTestStore, loadYamlConfig, redisPrefix, type TestDatabase } from '@vigia/testing';
import { AlertStore, Evaluator, buildRules } from '../src/index.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const configOf = (rules: string) => loadYamlConfig(`alerts:\n  collector_down: { enabled: false }\n  rules:\n${rules}`, { REDIS_URL: TEST_REDIS_URL });

describe('a target-down rule that needs 2 of 3 locations failing', () => {
  let database: TestDatabase;
  let prefix: ReturnType<typeof redisPrefix>;
  const redis = new Redis(TEST_REDIS_URL);
  let evaluator: Evaluator;
  let writer: SampleWriter;
  let now = Date.UTC(2026, 11, 5, 12, 0, 0);

  beforeAll(async () => {
    const config = configOf(`    - name: Probe Target Down
      metric: probe_success
      operator: "=="
      threshold: 0
      severity: critical
      locations: { min_failing: 2, by: host }
      annotations: { summary: "Probe {{ labels.probe }} fails from {{ value }} locations" }
`);
    database = await createTestStore('postgres');
    prefix = redisPrefix();
    const keys = redisKeys(prefix.prefix);
    writer = new SampleWriter(redis, keys, { liveWindowMs: 3_600_000 });
    evaluator = new Evaluator(buildRules(config), config, new AlertStore(database.store.db, 'http://vigia'), redis, keys, quiet);
  });
  afterAll(async () => {
    await database?.drop();
    await prefix?.cleanup();
    redis.disconnect();
  });

  async function probesSay(byHost: Record<string, number>) {
    now += 5_000;
    const samples = Object.entries(byHost).flatMap(([host, value]) =>
      ['shop', 'api'].map((probe) => {
        const labels = { probe, host };
        // Only the shop probe is ever down; the api probe passes everywhere.
        return { key: seriesKey('probe_success', labels), name: 'probe_success', labels, value: probe === 'shop' ? value : 1, timestamp: now };
      }),
    );
    await writer.write({ source: 'test', samples });
    await evaluator.tick(now);
    return database.store.db.select().from(alerts);
  }

  it('stays quiet while one location fails, fires once per probe when two do, and resolves when one recovers', async () => {
    expect(await probesSay({ 'web-1': 1, 'web-2': 1, 'web-3': 1 })).toEqual([]);
    expect(await probesSay({ 'web-1': 0, 'web-2': 1, 'web-3': 1 }), 'one location failing is that location’s trouble').toEqual([]);

    const firing = await probesSay({ 'web-1': 0, 'web-2': 0, 'web-3': 1 });
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ rule: 'Probe Target Down', status: 'firing', labels: { probe: 'shop' }, summary: 'Probe shop fails from 2 locations' });

    const still = await probesSay({ 'web-1': 0, 'web-2': 0, 'web-3': 0 });
    expect(
      still.filter((a) => a.status === 'firing'),
      'a third location joins the same alert',
    ).toHaveLength(1);

    const resolved = await probesSay({ 'web-1': 0, 'web-2': 1, 'web-3': 1 });
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.status).toBe('resolved');
  });
});

describe('locations: in monitoring.yaml', () => {
  it('refuses a bad count and the mix with aggregate, naming the key', () => {
    expect(() => configOf(`    - { name: Down, metric: probe_success, operator: "==", threshold: 0, severity: critical, locations: { min_failing: 0 } }\n`)).toThrow(
      /alerts\.rules\[0\]\.locations\.min_failing.*at least 1/,
    );
    const problems = configProblems(() =>
      buildRules(configOf(`    - { name: Down, metric: probe_success, operator: "==", threshold: 0, severity: critical, aggregate: sum, locations: { min_failing: 2 } }\n`)),
    );
    expect(problems.join('\n')).toMatch(/alerts\.rules\[0\]\.locations \(rule "Down"\): .*not both/);
  });
});
