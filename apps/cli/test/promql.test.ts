import { describe, expect, it } from 'vitest';
import { ruleExpression } from '../src/prometheus/promql.ts';
import { ruleSpec } from './rule-spec.ts';

describe('ruleExpression', () => {
  it('compares the newest value with a plain selector, label matchers sorted and escaped', () => {
    expect(ruleExpression(ruleSpec()).expr).toBe('cpu_usage > 90');
    expect(ruleExpression(ruleSpec({ metric: 'disk_usage', labels: { mount: '/', host: 'a"b' } })).expr).toBe('disk_usage{host="a\\"b",mount="/"} > 90');
  });

  it.each([
    ['avg', 'avg_over_time(m[5m])'],
    ['min', 'min_over_time(m[5m])'],
    ['max', 'max_over_time(m[5m])'],
    ['sum', 'sum_over_time(m[5m])'],
    ['count', 'count_over_time(m[5m])'],
    ['p95', 'quantile_over_time(0.95, m[5m])'],
    ['p99', 'quantile_over_time(0.99, m[5m])'],
    ['rate', 'rate(m[5m])'],
  ] as const)('reduces with %s over the window', (reduce, value) => {
    expect(ruleExpression(ruleSpec({ metric: 'm', reduce, windowMs: 300_000 })).expr).toBe(`${value} > 90`);
  });

  it('counts failing locations per probe for a locations: rule', () => {
    expect(ruleExpression(ruleSpec({ metric: 'probe_success', operator: '==', threshold: 0, locations: { minFailing: 2, by: 'host' } })).expr).toBe('count without (host) (probe_success == 0) >= 2');
  });

  it('aggregates after reducing, keeping the matched labels as the engine does', () => {
    expect(ruleExpression(ruleSpec({ metric: 'db_connections', aggregate: 'sum', threshold: 80 })).expr).toBe('sum(db_connections) > 80');
    expect(ruleExpression(ruleSpec({ metric: 'disk_usage', labels: { mount: '/' }, aggregate: 'max', reduce: 'avg', windowMs: 600_000 })).expr).toBe(
      'max by (mount) (avg_over_time(disk_usage{mount="/"}[10m])) > 90',
    );
  });

  it('compares milliseconds metrics in seconds on their exported name, but a count stays a count', () => {
    const slow = ruleExpression(ruleSpec({ metric: 'db_avg_query_time_ms', threshold: 500 }));
    expect(slow).toMatchObject({ expr: 'db_avg_query_time_seconds > 0.5', threshold: 0.5, scaled: true });
    expect(slow.notes.join(' ')).toContain('threshold 500 ms becomes 0.5 s');
    expect(ruleExpression(ruleSpec({ metric: 'x_ms', threshold: 0.3 })).expr).toBe('x_seconds > 0.0003');
    expect(ruleExpression(ruleSpec({ metric: 'x_ms', reduce: 'count', threshold: 12 }))).toMatchObject({ expr: 'count_over_time(x_seconds[5m]) > 12', scaled: false });
    expect(ruleExpression(ruleSpec({ metric: 'network_rx_bytes_per_sec', threshold: 1e6 }))).toMatchObject({ expr: 'network_rx_bytes_per_second > 1000000', scaled: false });
  });

  it('fires on missing data with absent() when no_data is alerting', () => {
    expect(ruleExpression(ruleSpec({ noData: 'alerting', labels: { job: 'x' } })).expr).toBe('cpu_usage{job="x"} > 90 or absent(cpu_usage{job="x"})');
    expect(ruleExpression(ruleSpec({ noData: 'alerting', reduce: 'avg', windowMs: 60_000 })).expr).toBe('avg_over_time(cpu_usage[1m]) > 90 or absent_over_time(cpu_usage[1m])');
  });

  it('notes what PromQL cannot say instead of dropping it silently', () => {
    const notes = ruleExpression(ruleSpec({ clearThreshold: 85, noData: 'keep' })).notes.join('\n');
    expect(notes).toContain('clear_threshold 85');
    expect(notes).toContain('no_data: keep');
  });
});
