import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollectorOnce, type Logger } from '@vigia/plugin-sdk';
import { redisPrefix, TEST_REDIS_URL } from '@vigia/testing';
import customCollector from '../src/index.ts';

function recordingLogger() {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message, fields) => void warnings.push({ message, fields }) };
  return { logger, warnings };
}

describe('custom collector on the shared Redis', () => {
  let space: { prefix: string; cleanup(): Promise<void> };
  let client: Redis;
  let prefix: string;

  /** What an application does, per the seed. */
  async function record(name: string, fields: Record<string, string>) {
    await client.hset(`${prefix}custom_metric:${name}`, fields);
    await client.sadd(`${prefix}custom_metrics`, name);
  }

  beforeAll(async () => {
    space = redisPrefix();
    prefix = `${space.prefix}:mcp:`;
    client = new Redis(TEST_REDIS_URL);
    await record('user_registrations', { value: '42', tags: JSON.stringify({ plan: 'premium' }) });
    await record('queue_depth', { value: '-3.5' });
    await record('temperature', { value: '21', tags: '' });
    await record('bad_value', { value: 'lots', tags: '{}' });
    await record('bad_tags_json', { value: '1', tags: '{plan: premium' });
    await record('bad_tags_array', { value: '1', tags: '["a"]' });
    await record('bad_tags_number', { value: '1', tags: '{"count": 3}' });
    await record('bad_label_name', { value: '1', tags: '{"not-a-label": "x"}' });
    await record('bad-name', { value: '1' });
    await record('1starts_with_digit', { value: '1' });
    await client.set(`${prefix}custom_metric:wrong_type`, '5');
    await client.sadd(`${prefix}custom_metrics`, 'wrong_type');
    await client.sadd(`${prefix}custom_metrics`, 'listed_but_gone');
  });

  afterAll(async () => {
    await client.quit();
    await space.cleanup();
  });

  it('turns good entries into series with their tags as labels and skips broken ones', async () => {
    const { logger, warnings } = recordingLogger();
    const collector = customCollector();
    try {
      const config = { url: TEST_REDIS_URL, prefix };
      const first = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(first.invalid).toEqual([]);
      expect(first.samples.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'queue_depth', value: -3.5 },
        { name: 'temperature', value: 21 },
        { name: 'user_registrations', value: 42, labels: { plan: 'premium' } },
      ]);
      expect(first.rejected.filter((r) => r.reason === 'invalid_custom_metric')).toHaveLength(8);
      expect(warnings).toHaveLength(8);
      expect(warnings.map((w) => w.fields?.key)).toContain(`${prefix}custom_metric:bad-name`);

      // Still broken next tick: counted again, not logged again.
      const second = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(second.rejected).toHaveLength(8);
      expect(second.samples).toHaveLength(3);
      expect(warnings).toHaveLength(8);

      // Fixed, then broken again: logged again, since it was fine in between.
      await client.hset(`${prefix}custom_metric:bad_value`, 'value', '7');
      const third = await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(third.samples.find((s) => s.name === 'bad_value')?.value).toBe(7);
      await client.hset(`${prefix}custom_metric:bad_value`, 'value', 'oops');
      await runCollectorOnce(collector, { config, logger, keepOpen: true });
      expect(warnings).toHaveLength(9);
    } finally {
      await collector.close?.();
    }
  });

  it('reads no more than max_metrics series and counts the rest', async () => {
    const r = await runCollectorOnce(customCollector(), { config: { url: TEST_REDIS_URL, prefix, max_metrics: 2 } });
    expect(r.rejected.filter((x) => x.reason === 'custom_metric_limit')).toHaveLength(10); // 12 names listed
  });

  it('reads nothing, without error, when no application recorded anything', async () => {
    const r = await runCollectorOnce(customCollector(), { config: { url: TEST_REDIS_URL, prefix: `${space.prefix}:empty:` } });
    expect(r.samples).toEqual([]);
    expect(r.rejected).toEqual([]);
  });
});
