import type { Redis } from 'ioredis';
import { defineCollector, type Sample } from '@vigia/plugin-sdk';
import { configSchema, type CustomConfig } from './config.ts';
import { describeRedis, openRedis } from '@vigia/plugin-sdk/redis';
import { parseCustomMetric } from './parse.ts';

export { configSchema, type CustomConfig } from './config.ts';
export { parseCustomMetric } from './parse.ts';

const BATCH = 500;

/** Reads `HGETALL` of each name in batches, one round trip per batch. */
async function readHashes(redis: Redis, prefix: string, names: string[]): Promise<Map<string, Record<string, string> | Error>> {
  const hashes = new Map<string, Record<string, string> | Error>();
  for (let start = 0; start < names.length; start += BATCH) {
    const batch = names.slice(start, start + BATCH);
    const pipeline = redis.pipeline();
    for (const name of batch) pipeline.hgetall(`${prefix}custom_metric:${name}`);
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((name, i) => {
      const [error, hash] = replies[i] ?? [new Error('no reply')];
      hashes.set(name, error ?? (hash as Record<string, string>));
    });
  }
  return hashes;
}

/** Custom metrics that applications record in Redis: `HSET <prefix>custom_metric:<name> value <n> tags '<json>'` + `SADD <prefix>custom_metrics <name>`. */
export default function customCollector() {
  let redis: Redis | undefined;
  let target = '';
  // Keys already reported as broken, so a key that stays broken is logged once, not every tick.
  const reported = new Set<string>();

  return defineCollector<CustomConfig>({
    name: 'custom',
    description: 'Custom metrics applications write to Redis, one series per name with its tags as labels',
    configSchema,
    // Series names come from the applications, so there is nothing to describe up front.
    metrics: {},

    init({ config, logger }) {
      if (redis) return;
      target = describeRedis(config.url);
      redis = openRedis(config.url, logger);
    },

    async collect({ config, logger, reject }) {
      if (!redis) throw new Error('custom collector used before init');
      let names: string[];
      let hashes: Map<string, Record<string, string> | Error>;
      try {
        names = (await redis.smembers(`${config.prefix}custom_metrics`)).sort();
        if (names.length > config.max_metrics) {
          for (let i = config.max_metrics; i < names.length; i++) reject('custom_metric_limit');
          if (!reported.has('\u0000limit')) {
            reported.add('\u0000limit');
            logger.warn('more custom metrics than max_metrics; the rest are skipped (logged once)', { count: names.length, max_metrics: config.max_metrics });
          }
          names = names.slice(0, config.max_metrics);
        }
        hashes = await readHashes(redis, config.prefix, names);
      } catch (error) {
        throw new Error(`Redis ${target}: ${(error as Error).message}`, { cause: error });
      }

      const samples: Sample[] = [];
      for (const name of names) {
        const hash = hashes.get(name) ?? {};
        const key = `${config.prefix}custom_metric:${name}`;
        // Listed in the set but gone (deleted or expired): nothing to report, nothing wrong.
        if (!(hash instanceof Error) && Object.keys(hash).length === 0) continue;
        // A key of another type (WRONGTYPE) is as broken as a bad value and reported the same way.
        const parsed = hash instanceof Error ? { problem: `the key is not a hash (${hash.message})` } : parseCustomMetric(name, hash);
        if ('sample' in parsed) {
          samples.push(parsed.sample);
          reported.delete(key);
          continue;
        }
        reject('invalid_custom_metric');
        if (!reported.has(key)) {
          reported.add(key);
          logger.warn('custom metric skipped (logged once per key)', { key: key.slice(0, 200), problem: parsed.problem });
        }
      }
      return samples;
    },

    async close() {
      const r = redis;
      redis = undefined;
      await r?.quit().catch(() => r.disconnect());
    },
  });
}
