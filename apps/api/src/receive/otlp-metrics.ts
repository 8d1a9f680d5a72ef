import { metricName, pointLabels, resourceLabels } from './otlp-names.ts';
import { TEMPORALITY_DELTA, type HistogramPoint, type NumberPoint, type OtlpRequest, type SummaryPoint } from './otlp-proto.ts';
import type { ReceivedSample } from './received-sample.ts';

// A point the SDK marks as having no recorded value (a series that went away): nothing to store.
const FLAG_NO_RECORDED_VALUE = 1;

export interface OtlpSamples {
  samples: ReceivedSample[];
  /** Data points of types Vigia does not store (exponential histograms), by OTLP type name. */
  unsupported: Map<string, { points: number; metrics: string[] }>;
}

function timestampOf(point: { timeUnixNano?: number }): number | undefined {
  const ns = point.timeUnixNano ?? 0;
  return ns > 0 ? Math.round(ns / 1e6) : undefined;
}

function formatBound(bound: number): string {
  if (bound === Infinity) return '+Inf';
  if (bound === -Infinity) return '-Inf';
  return String(bound);
}

/**
 * OTLP metrics as Prometheus-style samples: gauges and non-monotonic sums as they are, monotonic
 * sums as `<name>_total`, histograms as cumulative `<name>_bucket{le}` plus `_sum` and `_count`,
 * summaries as `<name>{quantile}` plus `_sum` and `_count`. Samples of delta temporality are
 * marked, to be turned into running totals before they are stored.
 */
export function otlpSamples(request: OtlpRequest): OtlpSamples {
  const samples: ReceivedSample[] = [];
  const unsupported: OtlpSamples['unsupported'] = new Map();
  for (const rm of request.resourceMetrics ?? []) {
    const base = resourceLabels(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      for (const metric of sm.metrics ?? []) {
        const name = metric.name ?? '';
        const push = (point: { flags?: number }) => ((point.flags ?? 0) & FLAG_NO_RECORDED_VALUE) === 0;
        if (metric.gauge) {
          const n = metricName(name, metric.unit, 'gauge');
          for (const p of metric.gauge.dataPoints ?? []) if (push(p)) samples.push(numberSample(n, base, p, false));
        } else if (metric.sum) {
          const n = metricName(name, metric.unit, metric.sum.isMonotonic ? 'counter' : 'gauge');
          const delta = metric.sum.aggregationTemporality === TEMPORALITY_DELTA;
          for (const p of metric.sum.dataPoints ?? []) if (push(p)) samples.push(numberSample(n, base, p, delta));
        } else if (metric.histogram) {
          const n = metricName(name, metric.unit, 'other');
          const delta = metric.histogram.aggregationTemporality === TEMPORALITY_DELTA;
          for (const p of metric.histogram.dataPoints ?? []) if (push(p)) histogramSamples(samples, n, base, p, delta);
        } else if (metric.summary) {
          const n = metricName(name, metric.unit, 'other');
          for (const p of metric.summary.dataPoints ?? []) if (push(p)) summarySamples(samples, n, base, p);
        } else {
          const type = metric.exponentialHistogram ? 'exponential_histogram' : 'unknown';
          const points = metric.exponentialHistogram?.dataPoints?.length ?? 1;
          const entry = unsupported.get(type) ?? { points: 0, metrics: [] };
          entry.points += points;
          if (entry.metrics.length < 10) entry.metrics.push(name);
          unsupported.set(type, entry);
        }
      }
    }
  }
  return { samples, unsupported };
}

function numberSample(name: string, base: Record<string, string>, p: NumberPoint, delta: boolean): ReceivedSample {
  const value = p.asDouble ?? p.asInt ?? 0;
  return { name, value, labels: pointLabels(base, p.attributes), timestamp: timestampOf(p), delta };
}

function histogramSamples(out: ReceivedSample[], name: string, base: Record<string, string>, p: HistogramPoint, delta: boolean): void {
  const labels = pointLabels(base, p.attributes);
  const timestamp = timestampOf(p);
  const bounds = p.explicitBounds ?? [];
  const counts = p.bucketCounts ?? [];
  // OTLP counts each bucket on its own; Prometheus' `le` buckets are cumulative, ending at +Inf.
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i] ?? 0;
    const le = i < bounds.length ? formatBound(bounds[i]!) : '+Inf';
    out.push({ name: `${name}_bucket`, value: cumulative, labels: { ...labels, le }, timestamp, delta });
  }
  if (counts.length === 0) out.push({ name: `${name}_bucket`, value: p.count ?? 0, labels: { ...labels, le: '+Inf' }, timestamp, delta });
  if (p.sum !== undefined) out.push({ name: `${name}_sum`, value: p.sum, labels, timestamp, delta });
  out.push({ name: `${name}_count`, value: p.count ?? 0, labels, timestamp, delta });
}

function summarySamples(out: ReceivedSample[], name: string, base: Record<string, string>, p: SummaryPoint): void {
  const labels = pointLabels(base, p.attributes);
  const timestamp = timestampOf(p);
  for (const q of p.quantileValues ?? []) out.push({ name, value: q.value ?? 0, labels: { ...labels, quantile: String(q.quantile ?? 0) }, timestamp, delta: false });
  out.push({ name: `${name}_sum`, value: p.sum ?? 0, labels, timestamp, delta: false });
  out.push({ name: `${name}_count`, value: p.count ?? 0, labels, timestamp, delta: false });
}
