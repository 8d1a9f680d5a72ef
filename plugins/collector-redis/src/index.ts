import type { Redis } from 'ioredis';
import { defineCollector, type Sample } from '@vigia/plugin-sdk';
import { configSchema, type RedisConfig } from './config.ts';
import { describeRedis, openRedis } from '@vigia/plugin-sdk/redis';
import { numberField, parseInfo, totalKeys } from './info.ts';
import { metrics } from './metrics.ts';
import { swapReading, type Previous, type Reading } from './state.ts';

export { configSchema, type RedisConfig } from './config.ts';
export { stateKey } from './state.ts';

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Change of a counter since the previous reading; a counter that went down restarted, so all of it is new. */
function since(current: number, previous: number, restarted: boolean): number {
  return restarted || current < previous ? current : current - previous;
}

function intervalSamples(reading: Reading, previous: Previous, now: number): Sample[] {
  const seconds = (now - previous.at) / 1000;
  if (!(seconds > 0)) return [];
  const restarted = reading.runId !== previous.runId;
  // The state lookup after the previous reading was counted by Redis; it is ours, not the app's.
  const ownHit = previous.lookup === 'hit' && !restarted ? 1 : 0;
  const ownMiss = previous.lookup === 'miss' && !restarted ? 1 : 0;
  const hits = Math.max(0, since(reading.hits, previous.hits, restarted) - ownHit);
  const misses = Math.max(0, since(reading.misses, previous.misses, restarted) - ownMiss);
  const samples: Sample[] = [{ name: 'cache_ops_per_sec', value: round(since(reading.commands, previous.commands, restarted) / seconds), unit: '1/s' }];
  // No lookups at all in the interval: a hit rate would be invented, so there is none.
  if (hits + misses > 0) samples.push({ name: 'cache_hit_rate', value: round((hits / (hits + misses)) * 100), unit: '%' });
  return samples;
}

async function read(redis: Redis, prefix: string): Promise<{ fields: Map<string, string>; interval: Sample[] }> {
  const fields = parseInfo(await redis.info());
  const reading: Reading = {
    hits: numberField(fields, 'keyspace_hits') ?? 0,
    misses: numberField(fields, 'keyspace_misses') ?? 0,
    commands: numberField(fields, 'total_commands_processed') ?? 0,
    runId: fields.get('run_id') ?? '',
  };
  const { previous, now } = await swapReading(redis, prefix, reading);
  return { fields, interval: previous ? intervalSamples(reading, previous, now) : [] };
}

/** The monitored Redis cache, from INFO. */
export default function redisCollector() {
  let redis: Redis | undefined;
  let target = '';

  return defineCollector<RedisConfig>({
    name: 'redis',
    description: 'The monitored Redis cache: hit rate, memory, clients, throughput, evictions and keys (INFO)',
    configSchema,
    metrics,

    init({ config, logger }) {
      if (redis) return;
      target = describeRedis(config.url);
      redis = openRedis(config.url, logger);
    },

    async collect({ config, publishInfo }) {
      if (!redis) throw new Error('redis collector used before init');
      let fields: Map<string, string>;
      let interval: Sample[];
      try {
        ({ fields, interval } = await read(redis, config.prefix));
      } catch (error) {
        throw new Error(`Redis ${target}: ${(error as Error).message}`, { cause: error });
      }
      const samples: Sample[] = [
        { name: 'cache_memory_used_bytes', value: numberField(fields, 'used_memory') ?? 0, unit: 'bytes' },
        { name: 'cache_memory_max_bytes', value: numberField(fields, 'maxmemory') ?? 0, unit: 'bytes' },
        { name: 'cache_connected_clients', value: numberField(fields, 'connected_clients') ?? 0 },
        { name: 'cache_evicted_keys_total', value: numberField(fields, 'evicted_keys') ?? 0 },
        { name: 'cache_keys', value: totalKeys(fields) },
        ...interval,
      ];
      // Without a previous reading, Redis' own ~1.6 s sample is the best throughput figure there is.
      if (!interval.some((s) => s.name === 'cache_ops_per_sec')) {
        const instant = numberField(fields, 'instantaneous_ops_per_sec');
        if (instant !== undefined) samples.push({ name: 'cache_ops_per_sec', value: instant, unit: '1/s' });
      }
      publishInfo({
        redis: target,
        version: fields.get('redis_version'),
        mode: fields.get('redis_mode'),
        role: fields.get('role'),
        maxmemoryPolicy: fields.get('maxmemory_policy'),
      });
      return samples;
    },

    async close() {
      const r = redis;
      redis = undefined;
      await r?.quit().catch(() => r.disconnect());
    },
  });
}
