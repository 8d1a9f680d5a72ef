import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, planRange, seriesKey, labelsMatch } from '../src/index.ts';

describe('parseDuration', () => {
  it('reads the forms used in monitoring.yaml', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration(1500)).toBe(1500);
  });
  it('refuses what is not a duration', () => {
    for (const bad of ['5', '5x', '', 'm5', '-1s', '5 m']) expect(parseDuration(bad)).toBeNull();
    expect(parseDuration(-1)).toBeNull();
  });
  it('formats back to the shortest form', () => {
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('seriesKey', () => {
  it('sorts labels and escapes values', () => {
    expect(seriesKey('disk_usage', { mount: '/', device: 'sda"1' })).toBe('disk_usage{device="sda\\"1",mount="/"}');
    expect(seriesKey('cpu_usage')).toBe('cpu_usage');
    expect(seriesKey('cpu_usage', {})).toBe('cpu_usage');
  });
  it('matches label subsets', () => {
    expect(labelsMatch({ a: '1', b: '2' }, { a: '1' })).toBe(true);
    expect(labelsMatch({ a: '1' }, { a: '2' })).toBe(false);
  });
});

describe('planRange', () => {
  const retention = { raw: 48 * 3600e3, '1m': 30 * 86400e3, '1h': 400 * 86400e3 };
  const now = Date.UTC(2026, 0, 10);
  it('uses raw samples for a short recent range', () => {
    expect(planRange(now - 15 * 60e3, now, 1000, now, retention)).toEqual({ resolution: 'raw', bucketMs: 0 });
  });
  it('uses minute rollups for a day', () => {
    const p = planRange(now - 86400e3, now, 500, now, retention);
    expect(p.resolution).toBe('1m');
    expect(86400e3 / p.bucketMs).toBeLessThanOrEqual(500);
  });
  it('uses hour rollups past the minute retention', () => {
    expect(planRange(now - 60 * 86400e3, now, 100_000, now, retention).resolution).toBe('1h');
  });
  it('never returns more buckets than asked', () => {
    for (const span of [60e3, 3600e3, 6 * 3600e3, 7 * 86400e3, 30 * 86400e3]) {
      for (const max of [10, 300, 1000]) {
        const p = planRange(now - span, now, max, now, retention);
        if (p.bucketMs > 0) expect(Math.ceil(span / p.bucketMs)).toBeLessThanOrEqual(max);
      }
    }
  });
});

import { prometheusName } from '../src/index.ts';

describe('prometheusName', () => {
  it('spells units out the way Prometheus expects and converts the value', () => {
    expect(prometheusName('network_rx_bytes_per_sec')).toEqual({ name: 'network_rx_bytes_per_second', factor: 1 });
    expect(prometheusName('db_avg_query_time_ms')).toEqual({ name: 'db_avg_query_time_seconds', factor: 1e-3 });
    expect(prometheusName('cpu_usage')).toEqual({ name: 'cpu_usage', factor: 1 });
    expect(prometheusName('api_response_time_p95')).toEqual({ name: 'api_response_time_p95', factor: 1 });
  });
});
