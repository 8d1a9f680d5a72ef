import { z } from 'zod';

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

export const sampleSchema = z.object({
  name: z.string().regex(METRIC_NAME, 'must match [a-zA-Z_:][a-zA-Z0-9_:]*').max(200),
  value: z.number().finite(),
  labels: z
    .record(z.string().regex(LABEL_NAME, 'label names must match [a-zA-Z_][a-zA-Z0-9_]*').refine((k) => !k.startsWith('__'), 'label names starting with __ are reserved'), z.string().max(1024))
    .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels')
    .optional(),
  unit: z.string().max(32).optional(),
  timestamp: z.number().int().positive().optional(),
});

export function metricType(name: string, descriptor?: MetricDescriptor): MetricType {
  return descriptor?.type ?? (name.endsWith('_total') ? 'counter' : 'gauge');
}
