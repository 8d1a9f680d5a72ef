/** One measurement of one series. `name` plus `labels` identify the series. */
export interface Sample {
  name: string;
  value: number;
  labels?: Record<string, string>;
  unit?: string;
  /** Milliseconds since the epoch; the host stamps the collection time when absent. */
  timestamp?: number;
}

export type MetricType = 'gauge' | 'counter';

/** What a plugin tells the host about a metric it emits (HELP text and type in /metrics). */
export interface MetricDescriptor {
  help: string;
  unit?: string;
  /** Defaults to `counter` for names ending in `_total`, else `gauge`. */
  type?: MetricType;
}

// Prometheus' own rules for names, so anything collected can be exported unchanged.
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function metricType(name: string, descriptor?: MetricDescriptor): MetricType {
  return descriptor?.type ?? (name.endsWith('_total') ? 'counter' : 'gauge');
}
