import type { MetricDescriptor } from '@vigia/plugin-sdk';

export const metrics: Record<string, MetricDescriptor> = {
  cache_hit_rate: {
    help: 'Key lookups that found their key, as a percentage of lookups in the last interval (keyspace_hits / (hits + misses)); absent when there were no lookups',
    unit: '%',
  },
  cache_memory_used_bytes: { help: 'Memory allocated by Redis (used_memory)', unit: 'bytes' },
  cache_memory_max_bytes: { help: 'The maxmemory limit; 0 means no limit is set', unit: 'bytes' },
  cache_connected_clients: { help: 'Client connections, replicas excluded' },
  cache_ops_per_sec: { help: 'Commands processed per second over the last interval (Redis’ instantaneous figure on the first tick)', unit: '1/s' },
  cache_evicted_keys_total: { help: 'Keys evicted because of the maxmemory limit since Redis started' },
  cache_keys: { help: 'Keys in all logical databases' },
};
