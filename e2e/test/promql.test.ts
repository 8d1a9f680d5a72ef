import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { REPO_ROOT } from '@vigia/config';
import { waitFor } from '@vigia/testing';
import { parse as parseYaml } from 'yaml';
import { startStack, type Stack } from '../src/index.ts';
import { startPrometheus, type RunningPrometheus } from '../src/prometheus-server.ts';

const PROMTOOL = process.env.VIGIA_PROMTOOL ?? '/usr/bin/promtool';
const STEP = 15_000;
const NOW = Date.now();
// Samples every 15 s for two hours, 7.3 s off the minute so windows never end exactly on one.
const FIRST = Math.floor(NOW / 60_000) * 60_000 - 2 * 3_600_000 + 7_300;
const LAST = NOW - 2 * 60_000;

interface Series {
  name: string;
  labels: Record<string, string>;
  value(i: number, t: number): number;
}

function dataset(): Series[] {
  const out: Series[] = [];
  const modes = ['user', 'system', 'idle'];
  for (let cpu = 0; cpu < 4; cpu++) {
    modes.forEach((mode, m) => {
      const speed = (cpu + 1) * (m + 1) * 0.1;
      const restartAt = cpu === 2 && mode === 'user' ? 200 : Infinity;
      out.push({
        name: 'node_cpu_seconds_total',
        labels: { job: 'node', instance: 'host:9100', cpu: String(cpu), mode },
        value: (i) => {
          const n = i >= restartAt ? i - restartAt : i;
          return n * 15 * speed + Math.sin(n / 7) * 0.05 * speed + (i >= restartAt ? 0 : 100);
        },
      });
    });
  }
  ['a', 'b', 'c'].forEach((room, r) => out.push({ name: 'room_temperature_celsius', labels: { room }, value: (_i, t) => 20 + r + 5 * Math.sin(t / 600_000 + r) }));
  const bounds = ['0.05', '0.1', '0.5', '1', '+Inf'];
  for (const [h, handler] of ['/a', '/b'].entries()) {
    bounds.forEach((le, b) => {
      out.push({ name: 'http_request_duration_seconds_bucket', labels: { handler, le }, value: (i) => Math.floor(i * (h + 1) * (b + 1) * 3 + (i % 5) * b) });
    });
  }
  out.push({ name: 'up', labels: { job: 'node', instance: 'host:9100' }, value: () => 1 });
  out.push({ name: 'up', labels: { job: 'db', instance: 'db:9187' }, value: (i) => (i % 40 < 30 ? 1 : 0) });
  return out;
}

function samplesOf(series: Series[]): StoredSample[] {
  const out: StoredSample[] = [];
  for (let t = FIRST, i = 0; t <= LAST; t += STEP, i++) for (const s of series) out.push({ name: s.name, labels: s.labels, value: s.value(i, t), timestamp: t });
  return out;
}

function openMetrics(series: Series[]): string {
  const lines: string[] = [];
  for (const name of new Set(series.map((s) => s.name))) {
    const list = series.filter((s) => s.name === name);
    lines.push(`# TYPE ${name} gauge`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      for (let t = FIRST, i = 0; t <= LAST; t += STEP, i++) lines.push(`${name}{${labels}} ${s.value(i, t)} ${(t / 1000).toFixed(3)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

type Answer = { status: string; data: { resultType: string; result: unknown }; error?: string; errorType?: string };
type MatrixRow = { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] };

/** A result as label set → [time, value] pairs, for comparing answers whatever their order. */
function normalise(answer: Answer): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const rows = answer.data.resultType === 'scalar' ? [{ metric: {}, value: answer.data.result as [number, string] }] : (answer.data.result as MatrixRow[]);
  for (const row of rows) {
    const key = JSON.stringify(Object.entries(row.metric).sort());
    out.set(
      key,
      (row.values ?? [row.value!]).map(([t, v]) => [t, Number(v)]),
    );
  }
  return out;
}

function expectSameAnswer(query: string, ours: Answer, theirs: Answer, requireData = true): void {
  expect(ours.status, `${query}: ${ours.error}`).toBe('success');
  expect(theirs.status, `${query} (Prometheus): ${theirs.error}`).toBe('success');
  expect(ours.data.resultType, query).toBe(theirs.data.resultType);
  const a = normalise(ours);
  const b = normalise(theirs);
  expect([...a.keys()].sort(), query).toEqual([...b.keys()].sort());
  if (requireData) expect(b.size, `${query}: Prometheus returned nothing, so the comparison would prove nothing`).toBeGreaterThan(0);
  for (const [key, points] of b) {
    const mine = a.get(key)!;
    expect(
      mine.map(([t]) => t),
      `${query} ${key}: timestamps`,
    ).toEqual(points.map(([t]) => t));
    points.forEach(([t, v], i) => {
      const w = mine[i]![1];
      const close = (Number.isNaN(v) && Number.isNaN(w)) || v === w || Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v), Math.abs(w));
      expect(close, `${query} ${key} at ${t}: Vigia ${w}, Prometheus ${v}`).toBe(true);
    });
  }
}

const QUERIES = [
  'node_cpu_seconds_total{mode="user"}',
  'node_cpu_seconds_total{mode!="idle", cpu=~"[01]"}',
  'node_cpu_seconds_total{mode!~"sys.*", cpu!="3"}',
  'rate(node_cpu_seconds_total[1m])',
  'irate(node_cpu_seconds_total{cpu="2"}[1m])',
  'increase(node_cpu_seconds_total{cpu="2"}[5m])',
  'delta(room_temperature_celsius[10m])',
  'sum by (mode) (rate(node_cpu_seconds_total[1m]))',
  'avg without (cpu) (rate(node_cpu_seconds_total[5m]))',
  'max by (cpu) (rate(node_cpu_seconds_total[2m])) - min by (cpu) (rate(node_cpu_seconds_total[2m]))',
  'count by (mode) (node_cpu_seconds_total)',
  'topk(3, rate(node_cpu_seconds_total[5m]))',
  'room_temperature_celsius * 2 - 1',
  'room_temperature_celsius > 21',
  'room_temperature_celsius > bool 21',
  '100 * sum by (cpu) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) / on(cpu) sum by (cpu) (rate(node_cpu_seconds_total[5m]))',
  'rate(node_cpu_seconds_total[5m]) / ignoring(mode) group_left sum without (mode) (rate(node_cpu_seconds_total[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.5, rate(http_request_duration_seconds_bucket[5m]))',
  'avg_over_time(room_temperature_celsius[10m])',
  'max_over_time(room_temperature_celsius[10m]) - min_over_time(room_temperature_celsius[10m])',
  'sum_over_time(up[5m]) / count_over_time(up[5m])',
  'quantile_over_time(0.9, room_temperature_celsius[15m])',
  'stddev_over_time(room_temperature_celsius[10m])',
  'last_over_time(up[2m])',
  'up == 0',
  'up{job="node"} or up{job="db"} * 10',
  'room_temperature_celsius unless on(room) room_temperature_celsius{room="a"}',
  'sum(up) by (job)',
];

describe("PromQL over Vigia's history, compared with a real Prometheus holding the same samples", () => {
  let stack: Stack;
  let prometheus: RunningPrometheus;
  const series = dataset();
  const ask = (base: string, path: string, params: Record<string, string>, token?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new URLSearchParams(params).toString(),
    }).then((r) => r.json() as Promise<Answer>);
  const vigia = (path: string, params: Record<string, string>) => ask(stack.url, path, params, stack.apiToken);
  const real = (path: string, params: Record<string, string>) => ask(prometheus.url, path, params);

  beforeAll(async () => {
    stack = await startStack({ worker: false, yaml: 'collectors:\n  system: { enabled: false }\n' });
    const samples = samplesOf(series);
    const history = new HistoryStore(stack.store.sql);
    for (let i = 0; i < samples.length; i += 20_000) await history.insert(samples.slice(i, i + 20_000));
    const scratch = mkdtempSync(join(tmpdir(), 'vigia-openmetrics-'));
    const input = join(scratch, 'samples.om');
    writeFileSync(input, openMetrics(series));
    prometheus = await startPrometheus('global:\n  scrape_interval: 1h\n', (dataDir) => {
      execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir], { stdio: 'pipe' });
    });
    rmSync(scratch, { recursive: true, force: true });
    await waitFor(async () => (await fetch(`${prometheus.url}/-/ready`).catch(() => null))?.ok === true, { timeoutMs: 60_000, what: 'Prometheus ready' });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await stack?.stop();
  });

  it.each(QUERIES)('range query %s', async (query) => {
    const params = { query, start: String((FIRST + 10 * 60_000) / 1000), end: String((LAST + 60_000) / 1000), step: '60' };
    expectSameAnswer(query, await vigia('/api/v1/query_range', params), await real('/api/v1/query_range', params));
  });

  it('answers instant queries, unaligned range steps and offsets alike', async () => {
    const times = [FIRST + 30 * 60_000, FIRST + 61 * 60_000 + 3_000, LAST + 10_000].map((t) => String(t / 1000));
    for (const query of [...QUERIES, 'node_cpu_seconds_total{cpu="1"}[1m]', 'rate(node_cpu_seconds_total{cpu="0"}[5m] offset 10m)', 'scalar(sum(up))', '1 + 2 * 3']) {
      for (const time of times) expectSameAnswer(`${query} @ ${time}`, await vigia('/api/v1/query', { query, time }), await real('/api/v1/query', { query, time }), false);
    }
    for (const query of ['sum by (mode) (rate(node_cpu_seconds_total[3m]))', 'room_temperature_celsius']) {
      const params = { query, start: String((FIRST + 17_123) / 1000), end: String(LAST / 1000), step: '37' };
      expectSameAnswer(`${query} step 37`, await vigia('/api/v1/query_range', params), await real('/api/v1/query_range', params));
    }
  });

  it("answers the requests Grafana's Prometheus data source sends", async () => {
    const start = String(Math.floor((LAST - 3_600_000) / 1000));
    const end = String(Math.floor(LAST / 1000));
    const get = async (path: string) => {
      const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${stack.apiToken}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as { status: string; data: unknown };
    };
    // The data source's health check and version probe.
    expect((await get('/api/v1/status/buildinfo')).data).toMatchObject({ version: expect.stringMatching(/^2\./) });
    expect((await vigia('/api/v1/query', { query: '1+1', time: end })).data).toEqual({ resultType: 'scalar', result: [Number(end), '2'] });
    // A panel: POST, form-encoded, seconds.
    const panel = await vigia('/api/v1/query_range', { query: 'sum by (mode) (rate(node_cpu_seconds_total{job="node"}[1m]))', start, end, step: '60' });
    expect((panel.data.result as MatrixRow[]).map((r) => r.metric.mode).sort()).toEqual(['idle', 'system', 'user']);
    // The query editor's metric and label browser.
    const match = encodeURIComponent('node_cpu_seconds_total');
    expect((await get(`/api/v1/labels?start=${start}&end=${end}`)).data).toEqual(expect.arrayContaining(['__name__', 'cpu', 'handler', 'instance', 'job', 'le', 'mode', 'room']));
    expect((await get(`/api/v1/labels?match[]=${match}&start=${start}&end=${end}`)).data).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
    expect((await get(`/api/v1/label/__name__/values?start=${start}&end=${end}`)).data).toEqual(['http_request_duration_seconds_bucket', 'node_cpu_seconds_total', 'room_temperature_celsius', 'up']);
    expect((await get(`/api/v1/label/job/values?match[]=${encodeURIComponent('up{job=~".+"}')}&start=${start}&end=${end}`)).data).toEqual(['db', 'node']);
    const found = (await get(`/api/v1/series?match[]=${encodeURIComponent('room_temperature_celsius{room!="c"}')}&start=${start}&end=${end}`)).data;
    expect(found).toEqual(
      expect.arrayContaining([
        { __name__: 'room_temperature_celsius', room: 'a' },
        { __name__: 'room_temperature_celsius', room: 'b' },
      ]),
    );
    expect(found).toHaveLength(2);
    // Long ago: no series had samples then.
    expect((await get(`/api/v1/series?match[]=up&start=1000000&end=1000100`)).data).toEqual([]);
    const metadata = (await get('/api/v1/metadata')).data as Record<string, { type: string }[]>;
    expect(metadata.node_cpu_seconds_total).toEqual([{ type: 'counter', help: '', unit: '' }]);
    expect(metadata.room_temperature_celsius![0]!.type).toBe('gauge');
  });

  it("answers errors in Prometheus' format", async () => {
    const unsupported = await fetch(`${stack.url}/api/v1/query?query=${encodeURIComponent('predict_linear(up[5m], 60)')}`, { headers: { authorization: `Bearer ${stack.apiToken}` } });
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringContaining('function "predict_linear" is not supported') });
    const badTime = await vigia('/api/v1/query_range', { query: 'up', start: 'yesterday', end: '1', step: '60' });
    expect(badTime).toMatchObject({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "start": cannot parse "yesterday" to a valid timestamp' });
    const anonymous = await fetch(`${stack.url}/api/v1/query?query=up`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ status: 'error', errorType: 'unauthorized' });
    const wrong = await fetch(`${stack.url}/api/v1/labels`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(wrong.status).toBe(401);
  });

  // promtool runs beside the API in this process's event loop: asynchronously.
  it('works with promtool query instant and range (token as the Basic auth password)', async () => {
    const run = async (args: string[]) => (await promisify(execFile)(PROMTOOL, args, { encoding: 'utf8' })).stdout;
    const server = stack.url.replace('http://', `http://promtool:${stack.apiToken}@`);
    const time = String(LAST / 1000);
    const instant = await run(['query', 'instant', '--time', time, server, 'sum by (job) (up)']);
    expect(instant).toContain('{job="node"} => 1 @[');
    expect(instant).toMatch(/\{job="db"\} => [01] @\[/);
    const range = await run(['query', 'range', '--start', String((LAST - 600_000) / 1000), '--end', time, '--step', '1m', server, 'room_temperature_celsius{room="a"}']);
    expect(range).toContain('room_temperature_celsius{room="a"} =>');
    expect(range.match(/ @\[/g)).toHaveLength(11);
  });
});

describe('the Grafana provisioning example', () => {
  it('points a Prometheus data source at the compose API with the token from the environment', () => {
    const file = parseYaml(readFileSync(join(REPO_ROOT, 'config/grafana/provisioning/datasources/vigia.yml'), 'utf8')) as {
      datasources: { type: string; url: string; jsonData: Record<string, string>; secureJsonData: Record<string, string> }[];
    };
    expect(file.datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        url: 'http://vigia-api:5001',
        jsonData: expect.objectContaining({ httpMethod: 'POST', httpHeaderName1: 'Authorization' }),
        secureJsonData: { httpHeaderValue1: 'Bearer $VIGIA_API_TOKEN' },
      }),
    ]);
    const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(compose.services.grafana!.environment!.VIGIA_API_TOKEN).toBe('${API_TOKEN:-}');
  });
});
