import { describe, expect, it } from 'vitest';
import { filterParams, readFilter } from '../src/lib/alerts/inbox-filter.ts';
import { alignLines } from '../src/lib/chart/chart-data.ts';
import { includeThresholds } from '../src/lib/chart/chart-overlays.ts';
import { formatMoney, formatPerSecond, formatSeconds, formatValue } from '../src/lib/format/units.ts';
import { formatTimeParam, readWindow, windowParams } from '../src/lib/history/ranges.ts';
import { areaSections } from '../src/lib/metrics/area-charts.ts';
import { areaFigures } from '../src/lib/metrics/area-figures.ts';
import { areaHealth } from '../src/lib/metrics/area-health.ts';
import { areaOf } from '../src/lib/metrics/areas.ts';
import { distinctParts } from '../src/lib/metrics/line-labels.ts';
import { matchPath, pathTo } from '../src/lib/router/match.ts';

const metric = (name: string, labelNames: string[] = []) => ({ name, unit: null, help: null, series: 1, labelNames });

describe('areas', () => {
  it('puts metrics in areas by prefix, the rest in custom, and leaves Vigia’s own out', () => {
    expect(areaOf('cpu_usage')).toBe('system');
    expect(areaOf('load_average_1m')).toBe('system');
    expect(areaOf('api_error_rate')).toBe('api');
    expect(areaOf('db_table_rows')).toBe('database');
    expect(areaOf('cache_keys')).toBe('cache');
    expect(areaOf('business_revenue_today')).toBe('business');
    expect(areaOf('orders_created')).toBe('custom');
    expect(areaOf('vigia_collector_up')).toBeNull();
  });

  it('groups an area’s charts and never drops a metric it does not know', () => {
    const sections = areaSections('api', [metric('api_response_time_p50'), metric('api_response_time_p95'), metric('api_request_rate'), metric('api_something_new'), metric('cpu_usage')]);
    expect(sections.map((s) => [s.title, s.charts.map((c) => c.metrics)])).toEqual([
      ['Traffic', [['api_request_rate']]],
      ['Response time', [['api_response_time_p50', 'api_response_time_p95']]],
      ['Other metrics', [['api_something_new']]],
    ]);
  });

  it('groups custom metrics by the first word of their name', () => {
    const sections = areaSections('custom', [metric('orders_created'), metric('orders_failed'), metric('queue_depth')]);
    expect(sections.map((s) => [s.title, s.charts.length])).toEqual([
      ['orders', 2],
      ['Other metrics', 1],
    ]);
  });

  it('colours an area by its worst open alert', () => {
    const alert = (status: string, severity: string, m = 'cpu_usage') => ({ status, severity, metric: m }) as never;
    expect(areaHealth('system', [alert('firing', 'warning'), alert('firing', 'critical')], [], true).health).toBe('critical');
    expect(areaHealth('system', [alert('acknowledged', 'critical')], [], true).health).toBe('acknowledged');
    expect(areaHealth('system', [alert('firing', 'critical', 'api_error_rate')], [], true).health).toBe('ok');
    expect(areaHealth('system', [], [], false).health).toBe('nodata');
  });

  it('shows each System figure from one machine, the one in the worst state, named when several report', () => {
    const GiB = 2 ** 30;
    const sample = (name: string, value: number, labels: Record<string, string>) => ({ name, value, labels, unit: name.endsWith('_bytes') ? 'bytes' : '%', timestamp: 1, stale: false });
    const hosts = [
      sample('cpu_usage', 12, { host: 'web-1' }),
      sample('cpu_usage', 87, { host: 'web-2' }),
      sample('memory_usage', 90, { host: 'web-1' }),
      sample('memory_usage', 40, { host: 'web-2' }),
      sample('memory_used_bytes', 7.2 * GiB, { host: 'web-1' }),
      sample('memory_used_bytes', 3.2 * GiB, { host: 'web-2' }),
      sample('memory_total_bytes', 8 * GiB, { host: 'web-1' }),
      sample('memory_total_bytes', 8 * GiB, { host: 'web-2' }),
      sample('disk_usage', 30, { host: 'web-1', mount: '/' }),
      sample('disk_usage', 75, { host: 'web-2', mount: '/data' }),
    ];
    const of = (all: ReturnType<typeof sample>[]) => (name: string) => all.filter((s) => s.name === name);
    const [cpu, memory, disk, load] = areaFigures('system', of(hosts));
    expect(cpu).toMatchObject({ value: '87.0 %', detail: 'web-2' });
    expect(memory).toMatchObject({ value: '90.0 %', detail: '7.20 GiB of 8.00 GiB · web-1' });
    expect(disk).toMatchObject({ value: '75.0 %', detail: '/data · web-2' });
    expect(load).toMatchObject({ known: false });
    // One machine: no name to tell it apart from.
    const one = areaFigures('system', of(hosts.filter((s) => s.labels.host === 'web-1')));
    expect(one.map((f) => f.detail)).toEqual([undefined, '7.20 GiB of 8.00 GiB', '/', undefined]);
  });

  it('tells the lines of a multi-metric chart apart by what differs in their names', () => {
    expect([...distinctParts(['api_response_time_p50', 'api_response_time_p95']).values()]).toEqual(['p50', 'p95']);
    expect([...distinctParts(['disk_used_bytes', 'disk_total_bytes']).values()]).toEqual(['used', 'total']);
  });
});

describe('units for people', () => {
  it('formats response times, rates and money', () => {
    expect(formatSeconds(0.0423)).toBe('42.3 ms');
    expect(formatSeconds(1.5)).toBe('1.50 s');
    expect(formatPerSecond(12.5, 'req')).toBe('12.5 req/s');
    expect(formatValue(3, 'req/s')).toBe('3.00 req/s');
    expect(formatMoney(1234.5)).toMatch(/1.?234[.,]50/);
    expect(formatValue(250, 'ms')).toBe('250 ms');
    expect(formatValue(42, null)).toBe('42');
  });
});

describe('windows in the URL', () => {
  it('reads a live range or a fixed stretch, and writes them back', () => {
    expect(readWindow(new URLSearchParams('range=6h'))).toMatchObject({ kind: 'live', range: { key: '6h' } });
    const from = Date.UTC(2026, 0, 2, 3, 4, 5);
    const to = from + 600_000;
    const fixed = readWindow(new URLSearchParams({ from: formatTimeParam(from), to: formatTimeParam(to) }));
    expect(fixed).toEqual({ kind: 'fixed', from, to });
    expect(windowParams(fixed)).toEqual({ range: null, from: '2026-01-02T03:04:05Z', to: '2026-01-02T03:14:05Z' });
    // Backwards or too short: a slip, not a window.
    expect(readWindow(new URLSearchParams({ from: String(to), to: String(from) })).kind).toBe('live');
  });
});

describe('routes and filters', () => {
  it('matches parameters and escapes them both ways', () => {
    expect(matchPath('/rules/:name', '/rules/High%20CPU')).toEqual({ name: 'High CPU' });
    expect(matchPath('/alerts/:id', '/alerts/')).toBeNull();
    expect(matchPath('/alerts', '/alerts/')).toEqual({});
    expect(pathTo('/rules/:name', { name: 'a/b c' })).toBe('/rules/a%2Fb%20c');
  });

  it('keeps inbox filters in the URL and ignores what it does not know', () => {
    const filter = readFilter(new URLSearchParams('status=firing,bogus&severity=critical&rule=Test'));
    expect(filter).toEqual({ status: ['firing'], severity: ['critical'], rule: 'Test' });
    expect(filterParams(filter)).toEqual({ status: 'firing', severity: 'critical', rule: 'Test' });
  });
});

describe('chart data', () => {
  it('leaves a hole where a series paused, and spans values missing only by alignment', () => {
    const a = [0, 1000, 2000, 3000, 10_000].map((t) => ({ t, v: 1 }));
    const [xs, ys] = alignLines([{ points: a }]) as [number[], (number | null)[]];
    expect(xs).toEqual([0, 1, 2, 3, 4, 10]);
    expect(ys[4]).toBeNull();
    const joined = alignLines([
      {
        points: [
          { t: 0, v: 1 },
          { t: 2000, v: 2 },
        ],
      },
      { points: [{ t: 1000, v: 5 }] },
    ]);
    expect(joined[1]![1]).toBeUndefined();
  });

  it('pulls the axis to a threshold only when that keeps the data readable', () => {
    expect(includeThresholds(10, 20, [{ value: 30, label: '', severity: 'warning' }])).toEqual([10, 30]);
    expect(includeThresholds(0.1, 0.2, [{ value: 50, label: '', severity: 'warning' }])).toEqual([0.1, 0.2]);
  });
});
