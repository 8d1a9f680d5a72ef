import type { MetricSample } from '../api/types.ts';
import { formatBytes, formatValue } from '../format/units.ts';
import { areaOf, displayUnit, type AreaKey } from './areas.ts';

export interface Figure {
  /** For test ids: stable per area. */
  key: string;
  label: string;
  value: string;
  detail?: string;
  /** The metric the figure reads, so its alerts can colour it. */
  metric: string;
  /** False while no sample of the metric has arrived ("–" is shown). */
  known: boolean;
}

type Samples = (name: string) => MetricSample[];

function one(samples: Samples, name: string): MetricSample | undefined {
  const all = samples(name);
  return all.find((s) => Object.keys(s.labels).length === 0) ?? all[0];
}

function figureOf(s: MetricSample | undefined, key: string, label: string, metric: string, detail?: (s: MetricSample) => string | undefined): Figure {
  return { key, label, metric, known: !!s, value: formatValue(s?.value, displayUnit(metric, s?.unit)), detail: s && detail ? detail(s) : undefined };
}

function figure(samples: Samples, key: string, label: string, metric: string, detail?: (s: MetricSample) => string | undefined): Figure {
  return figureOf(one(samples, metric), key, label, metric, detail);
}

function sum(samples: Samples, key: string, label: string, metric: string, detail?: string): Figure {
  const all = samples(metric);
  const total = all.length ? all.reduce((n, s) => n + s.value, 0) : null;
  return { key, label, metric, known: all.length > 0, value: formatValue(total, displayUnit(metric, all[0]?.unit)), detail };
}

/** The few numbers of an area someone on call reads first. */
export function areaFigures(area: AreaKey, samples: Samples, customNames: readonly string[] = []): Figure[] {
  switch (area) {
    case 'system': {
      // With several worker machines every series carries its host: each figure shows the machine
      // in the worst state and names it, and "x of y" never pairs one machine's bytes with another's.
      const multiHost = new Set(samples('cpu_usage').map((s) => s.labels.host)).size > 1;
      const hostOf = (s: MetricSample) => (multiHost ? s.labels.host : undefined);
      const worst = (name: string) => samples(name).sort((a, b) => b.value - a.value)[0];
      const onHost = (name: string, host: string | undefined) => samples(name).find((s) => s.labels.host === host)?.value;
      const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' · ') || undefined;
      const memory = worst('memory_usage');
      const used = onHost('memory_used_bytes', memory?.labels.host);
      const total = onHost('memory_total_bytes', memory?.labels.host);
      return [
        figureOf(worst('cpu_usage'), 'cpu', 'CPU', 'cpu_usage', hostOf),
        figureOf(memory, 'memory', 'Memory', 'memory_usage', (s) => join(used !== undefined && total !== undefined ? `${formatBytes(used)} of ${formatBytes(total)}` : undefined, hostOf(s))),
        figureOf(worst('disk_usage'), 'disk', 'Fullest disk', 'disk_usage', (s) => join(s.labels.mount ?? Object.values(s.labels)[0], hostOf(s))),
        figureOf(worst('load_average_1m'), 'load', 'Load (1 min)', 'load_average_1m', hostOf),
      ];
    }
    case 'api':
      return [figure(samples, 'requests', 'Requests', 'api_request_rate'), figure(samples, 'errors', 'Errors', 'api_error_rate'), figure(samples, 'p95', 'P95 response', 'api_response_time_p95')];
    case 'database': {
      const max = one(samples, 'db_connections_max')?.value;
      return [
        sum(samples, 'connections', 'Connections', 'db_connections', max !== undefined ? `of ${max} max` : undefined),
        figure(samples, 'hit', 'Cache hit', 'db_cache_hit_rate'),
        figure(samples, 'query', 'Avg query', 'db_avg_query_time_ms'),
        figure(samples, 'tps', 'Transactions', 'db_transactions_per_sec'),
      ];
    }
    case 'cache': {
      const limit = one(samples, 'cache_memory_max_bytes')?.value;
      return [
        figure(samples, 'hit', 'Hit rate', 'cache_hit_rate'),
        figure(samples, 'memory', 'Memory', 'cache_memory_used_bytes', () => (limit ? `of ${formatBytes(limit)}` : 'no limit set')),
        figure(samples, 'ops', 'Operations', 'cache_ops_per_sec'),
        figure(samples, 'clients', 'Clients', 'cache_connected_clients'),
      ];
    }
    case 'business':
      return [
        figure(samples, 'orders', 'Orders today', 'business_orders_today'),
        figure(samples, 'revenue', 'Revenue today', 'business_revenue_today'),
        figure(samples, 'quotes', 'Quotes today', 'business_quotes_today'),
        figure(samples, 'users', 'Active users', 'business_active_users'),
      ];
    case 'custom':
      return customNames.slice(0, 4).map((name, i) => {
        const all = samples(name);
        return all.length > 1 ? sum(samples, `m${i}`, name, name, `sum of ${all.length} series`) : figure(samples, `m${i}`, name, name);
      });
  }
}

/** The metric drawn small on an area's card: the one that shows activity best. */
export function sparklineMetric(area: AreaKey, customNames: readonly string[]): string | null {
  const fixed: Record<Exclude<AreaKey, 'custom'>, string> = {
    system: 'cpu_usage',
    api: 'api_request_rate',
    database: 'db_connection_usage',
    cache: 'cache_ops_per_sec',
    business: 'business_active_users',
  };
  return area === 'custom' ? (customNames[0] ?? null) : fixed[area];
}

/** Custom metrics (by name), from the catalog and whatever the live stream has shown. */
export function customNames(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const n of names) if (areaOf(n) === 'custom') out.add(n);
  return [...out].sort();
}
