import type { Labels } from '@vigia/core';

export interface BenchSeries {
  name: string;
  labels: Labels;
}

/**
 * `count` series spread over 10 metric names with a `host` label each, like a fleet reporting the
 * same few metrics: the shape that makes series lookup by name and labels do real work.
 */
export function benchSeries(count: number, names = 10): BenchSeries[] {
  const perName = Math.ceil(count / names);
  return Array.from({ length: count }, (_, i) => ({
    name: `bench_metric_${i % names}`,
    labels: { host: `host-${String(Math.floor(i / names)).padStart(String(perName).length, '0')}` },
  }));
}
