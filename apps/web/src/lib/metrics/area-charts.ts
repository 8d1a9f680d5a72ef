import type { MetricInfo } from '../api/types.ts';
import { areaOf, type AreaKey } from './areas.ts';

export interface ChartSpec {
  /** Stable and unique on a page: used for test ids and anchors. */
  id: string;
  title: string;
  /** Every series of each of these metrics is drawn on the chart. */
  metrics: string[];
  /** The metrics' help text, for the chart's description. */
  help: string | null;
}

export interface ChartSection {
  title: string;
  charts: ChartSpec[];
}

interface Template {
  title: string;
  charts: { title: string; metrics: (string | RegExp)[] }[];
}

// Metrics that answer one question share a chart (p50/p95/p99; used and total); series that
// differ only by a label (mount, interface, table, state) are the lines of one chart.
const TEMPLATES: Record<Exclude<AreaKey, 'custom'>, Template[]> = {
  system: [
    {
      title: 'CPU and load',
      charts: [
        { title: 'CPU usage', metrics: ['cpu_usage'] },
        { title: 'Load average', metrics: [/^load_average_/] },
      ],
    },
    {
      title: 'Memory',
      charts: [
        { title: 'Memory usage', metrics: ['memory_usage'] },
        { title: 'Memory used and total', metrics: ['memory_used_bytes', 'memory_total_bytes'] },
      ],
    },
    {
      title: 'Disks, per mount',
      charts: [
        { title: 'Disk usage', metrics: ['disk_usage'] },
        { title: 'Disk space used and total', metrics: ['disk_used_bytes', 'disk_total_bytes'] },
      ],
    },
    {
      title: 'Network, per interface',
      charts: [
        { title: 'Received', metrics: ['network_rx_bytes_per_sec'] },
        { title: 'Sent', metrics: ['network_tx_bytes_per_sec'] },
      ],
    },
  ],
  api: [
    {
      title: 'Traffic',
      charts: [
        { title: 'Request rate', metrics: ['api_request_rate'] },
        { title: 'Requests (total)', metrics: ['api_requests_total'] },
      ],
    },
    {
      title: 'Errors',
      charts: [
        { title: 'Error rate', metrics: ['api_error_rate'] },
        { title: 'Errors (total)', metrics: ['api_errors_total'] },
      ],
    },
    { title: 'Response time', charts: [{ title: 'Response time percentiles', metrics: ['api_response_time_p50', 'api_response_time_p95', 'api_response_time_p99', 'api_response_time_avg'] }] },
  ],
  database: [
    {
      title: 'Connections, per state',
      charts: [
        { title: 'Connections', metrics: ['db_connections', 'db_connections_max'] },
        { title: 'Connection usage', metrics: ['db_connection_usage'] },
      ],
    },
    {
      title: 'Throughput',
      charts: [
        { title: 'Transactions', metrics: ['db_transactions_per_sec'] },
        { title: 'Buffer cache hit rate', metrics: ['db_cache_hit_rate'] },
        { title: 'Deadlocks (total)', metrics: ['db_deadlocks_total'] },
      ],
    },
    {
      title: 'Queries',
      charts: [
        { title: 'Average query time', metrics: ['db_avg_query_time_ms'] },
        { title: 'Slow statements', metrics: ['db_slow_queries'] },
      ],
    },
    { title: 'Size', charts: [{ title: 'Database size', metrics: ['db_size_bytes'] }] },
    {
      title: 'Tables, per table',
      charts: [
        { title: 'Rows', metrics: ['db_table_rows'] },
        { title: 'Dead rows', metrics: ['db_table_dead_rows'] },
        { title: 'Table size', metrics: ['db_table_size_bytes'] },
        { title: 'Sequential scans (total)', metrics: ['db_table_seq_scans_total'] },
        { title: 'Index scans (total)', metrics: ['db_table_index_scans_total'] },
      ],
    },
  ],
  cache: [
    { title: 'Hit rate', charts: [{ title: 'Cache hit rate', metrics: ['cache_hit_rate'] }] },
    { title: 'Memory', charts: [{ title: 'Memory used and limit', metrics: ['cache_memory_used_bytes', 'cache_memory_max_bytes'] }] },
    {
      title: 'Load',
      charts: [
        { title: 'Operations', metrics: ['cache_ops_per_sec'] },
        { title: 'Connected clients', metrics: ['cache_connected_clients'] },
      ],
    },
    {
      title: 'Keys',
      charts: [
        { title: 'Keys', metrics: ['cache_keys'] },
        { title: 'Evicted keys (total)', metrics: ['cache_evicted_keys_total'] },
      ],
    },
  ],
  business: [
    {
      title: 'Today',
      charts: [
        { title: 'Orders today', metrics: ['business_orders_today'] },
        { title: 'Revenue today', metrics: ['business_revenue_today'] },
        { title: 'Quotes today', metrics: ['business_quotes_today'] },
        { title: 'Active users', metrics: ['business_active_users'] },
      ],
    },
  ],
};

const matches = (name: string, m: string | RegExp) => (typeof m === 'string' ? m === name : m.test(name));

function chart(title: string, metrics: MetricInfo[]): ChartSpec {
  const help = metrics.length === 1 ? metrics[0]!.help : null;
  return { id: metrics[0]!.name, title, metrics: metrics.map((m) => m.name), help };
}

/** Words of a custom metric's name: `orders_created` and `orders_failed` belong together. */
function family(name: string): string {
  return name.split(/[_.:]/)[0] || name;
}

/** The charts of an area, in sections, for the metrics that exist; unknown ones are never dropped. */
export function areaSections(area: AreaKey, catalog: readonly MetricInfo[]): ChartSection[] {
  const mine = catalog.filter((m) => areaOf(m.name) === area);
  const claimed = new Set<string>();
  const sections: ChartSection[] = [];
  if (area !== 'custom') {
    for (const template of TEMPLATES[area]) {
      const charts: ChartSpec[] = [];
      for (const c of template.charts) {
        const found = mine.filter((m) => !claimed.has(m.name) && c.metrics.some((p) => matches(m.name, p)));
        if (!found.length) continue;
        for (const m of found) claimed.add(m.name);
        charts.push(chart(c.title, found));
      }
      if (charts.length) sections.push({ title: template.title, charts });
    }
  }
  const rest = mine.filter((m) => !claimed.has(m.name));
  if (area === 'custom') {
    const families = new Map<string, MetricInfo[]>();
    for (const m of rest) families.set(family(m.name), [...(families.get(family(m.name)) ?? []), m]);
    const single: MetricInfo[] = [];
    for (const [name, members] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length > 1) sections.push({ title: name, charts: members.map((m) => chart(m.name, [m])) });
      else single.push(...members);
    }
    if (single.length) sections.push({ title: sections.length ? 'Other metrics' : 'Metrics', charts: single.map((m) => chart(m.name, [m])) });
  } else if (rest.length) {
    sections.push({ title: 'Other metrics', charts: rest.map((m) => chart(m.name, [m])) });
  }
  return sections;
}
