export type AreaKey = 'system' | 'api' | 'database' | 'cache' | 'business' | 'custom';

export interface Area {
  key: AreaKey;
  title: string;
  path: string;
  /** One line under the title: what the area watches. */
  blurb: string;
  /** Metric-name prefixes that put a metric in this area (custom has none: it takes the rest). */
  prefixes: string[];
}

export const AREAS: readonly Area[] = [
  { key: 'system', title: 'System', path: '/system', blurb: 'CPU, memory, disks, network and load of the host', prefixes: ['cpu_', 'memory_', 'disk_', 'network_', 'load_'] },
  { key: 'api', title: 'API', path: '/api', blurb: 'Request rate, errors and response times', prefixes: ['api_'] },
  { key: 'database', title: 'Database', path: '/database', blurb: 'Connections, throughput, tables and queries', prefixes: ['db_'] },
  { key: 'cache', title: 'Cache', path: '/cache', blurb: 'Hit rate, memory, operations and keys', prefixes: ['cache_'] },
  { key: 'business', title: 'Business', path: '/business', blurb: 'Orders, revenue, quotes and active users', prefixes: ['business_'] },
  { key: 'custom', title: 'Custom', path: '/custom', blurb: 'Metrics your applications push or publish', prefixes: [] },
];

/** Vigia's own health (collector up, ingest counters) is the system-info page's business, not an area's. */
const INTERNAL_PREFIX = 'vigia_';

export function areaOf(metric: string): AreaKey | null {
  if (metric.startsWith(INTERNAL_PREFIX)) return null;
  return AREAS.find((a) => a.prefixes.some((p) => metric.startsWith(p)))?.key ?? 'custom';
}

export function areaByKey(key: AreaKey): Area {
  return AREAS.find((a) => a.key === key)!;
}

/**
 * How a metric reads to people, where its raw unit says too little: "1/s" is requests for the
 * API but operations for Redis; revenue has no unit at all but is money.
 */
const DISPLAY_UNITS: Record<string, string> = {
  api_request_rate: 'req/s',
  db_transactions_per_sec: 'tx/s',
  cache_ops_per_sec: 'ops/s',
  business_revenue_today: 'money',
  db_avg_query_time_ms: 'ms',
};

export function displayUnit(metric: string, unit: string | null | undefined): string | null {
  return DISPLAY_UNITS[metric] ?? unit ?? null;
}
