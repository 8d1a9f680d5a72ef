import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';

const GRAFANA = join(REPO_ROOT, 'config/grafana');
const DASHBOARDS = join(GRAFANA, 'dashboards');
const REQUIRED = ['overview', 'system', 'api', 'database', 'cache', 'business', 'vigia'];
const DATASOURCE = { type: 'prometheus', uid: 'prometheus' };
const PANEL_TYPES = new Set(['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text', 'row']);
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Reading PromQL: which identifiers are series names.

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan', 'atan2']);

/**
 * Series names a PromQL expression reads: identifiers that are not functions or aggregations
 * (followed by `(`), keywords, label names (inside `{…}` or a `by (…)`-style clause), strings,
 * durations, numbers or Grafana variables.
 */
function seriesNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, ' ') // $var, ${var}, $__rate_interval
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names = new Set<string>();
  const token = /(\d[\w.]*)|([A-Za-z_:][\w:]*)|(\S)/g;
  for (let m = token.exec(stripped); m; m = token.exec(stripped)) {
    const name = m[2];
    if (!name || PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    if (/^\s*\(/.test(stripped.slice(token.lastIndex))) continue; // a function or an aggregation
    names.add(name);
  }
  return [...names];
}

/** Series named by a template variable's query: `label_values(<selector>, label)` and the like. */
function variableSeries(query: string): string[] {
  const labelValues = /^\s*label_values\(\s*(.+?)\s*,\s*\w+\s*\)\s*$/.exec(query);
  if (labelValues) return seriesNames(labelValues[1]!);
  if (/^\s*label_values\(\s*\w+\s*\)\s*$/.test(query) || /^\s*label_names\(\)\s*$/.test(query)) return [];
  const wrapped = /^\s*query_result\((.*)\)\s*$/.exec(query);
  return seriesNames(wrapped ? wrapped[1]! : query);
}

// ---------------------------------------------------------------------------------------------
// The dashboards as files.

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { name: string; type: string; query?: string | { query?: string }; definition?: string; datasource?: { type?: string; uid?: string } }[] };
}

function loadDashboards(): Map<string, Dashboard> {
  const out = new Map<string, Dashboard>();
  for (const file of readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    out.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard);
  }
  return out;
}

function allPanels(panels: Panel[] = []): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels)]);
}

/** Every PromQL expression of a dashboard, named for messages. */
function expressions(name: string, dashboard: Dashboard): { where: string; expr: string; series: string[] }[] {
  const out: { where: string; expr: string; series: string[] }[] = [];
  for (const panel of allPanels(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      if (target.expr) out.push({ where: `${name}.json, panel "${panel.title}" ${target.refId}`, expr: target.expr, series: seriesNames(target.expr) });
    }
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
    out.push({ where: `${name}.json, variable $${v.name}`, expr: query, series: variableSeries(query) });
  }
  return out;
}

const dashboards = loadDashboards();

describe('reading PromQL', () => {
  it('finds series names and nothing else', () => {
    expect(seriesNames('cpu_usage')).toEqual(['cpu_usage']);
    expect(seriesNames('sum by (state) (db_connections{database="x", state!~"idle.*"})')).toEqual(['db_connections']);
    expect(seriesNames('sum(db_connections) without(instance)')).toEqual(['db_connections']);
    expect(seriesNames('rate(vigia_job_duration_seconds_total[$__rate_interval]) / on(queue) group_left rate(vigia_jobs_total[5m] offset 1h)')).toEqual([
      'vigia_job_duration_seconds_total',
      'vigia_jobs_total',
    ]);
    expect(seriesNames('count(vigia_collector_up == 0) or vector(0)')).toEqual(['vigia_collector_up']);
    expect(seriesNames('100 * business_orders_today / business_quotes_today > bool 1e3')).toEqual(['business_orders_today', 'business_quotes_today']);
    expect(seriesNames('disk_usage{mount=~"$mount"} and on() (histogram_quantile(0.95, x_bucket))')).toEqual(['disk_usage', 'x_bucket']);
    expect(variableSeries('label_values(disk_usage{device!=""}, mount)')).toEqual(['disk_usage']);
    expect(variableSeries('label_values(job)')).toEqual([]);
  });
});

describe('the Grafana dashboards', () => {
  it('are all there: overview, system, API, database, cache, business and Vigia itself', () => {
    expect([...dashboards.keys()].sort()).toEqual([...REQUIRED].sort());
  });

  it('are valid dashboard JSON: unique uids, titles, panels with ids, positions and Prometheus queries', () => {
    const uids = new Set<string>();
    for (const [name, d] of dashboards) {
      expect(d.uid, name).toMatch(/^[\w-]{1,40}$/);
      expect(uids.has(d.uid!), `${name}: uid ${d.uid} used twice`).toBe(false);
      uids.add(d.uid!);
      expect(d.title, name).toEqual(expect.any(String));
      expect(d.schemaVersion, name).toBeGreaterThanOrEqual(36);
      const panels = allPanels(d.panels);
      expect(panels.length, name).toBeGreaterThan(0);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `${name}: panel ids ${ids.join(',')}`).toBe(panels.length);
      for (const p of panels) {
        const where = `${name}.json panel ${p.id} "${p.title}"`;
        expect(p.id, where).toEqual(expect.any(Number));
        expect(PANEL_TYPES.has(p.type!), `${where}: type ${p.type}`).toBe(true);
        expect(p.title, where).toEqual(expect.any(String));
        const g = p.gridPos!;
        expect(g, where).toBeDefined();
        for (const k of ['x', 'y', 'w', 'h'] as const) expect(Number.isInteger(g[k]) && g[k] >= 0, `${where}: gridPos.${k}`).toBe(true);
        expect(g.w > 0 && g.h > 0 && g.x + g.w <= 24, `${where}: gridPos ${JSON.stringify(g)}`).toBe(true);
        if (p.type === 'row' || p.type === 'text') continue;
        expect(p.targets?.length, `${where}: no targets`).toBeGreaterThan(0);
        const refIds = p.targets!.map((t) => t.refId);
        expect(new Set(refIds).size, `${where}: refIds ${refIds.join(',')}`).toBe(refIds.length);
        for (const t of p.targets!) {
          expect(t.expr, `${where} ${t.refId}`).toEqual(expect.any(String));
          expect(t.datasource, `${where} ${t.refId}`).toEqual(DATASOURCE);
        }
      }
      // Panels of one dashboard must not overlap.
      const cells = new Set<string>();
      for (const p of panels) {
        const g = p.gridPos!;
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${name}.json: panel ${p.id} overlaps another at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
        }
      }
      for (const v of d.templating?.list ?? []) {
        if (v.type === 'query') expect(v.datasource, `${name}.json variable ${v.name}`).toEqual(DATASOURCE);
      }
    }
  });

  it('are provisioned: the data source has the uid they use, the provider reads where compose mounts them', () => {
    const datasources = parseYaml(readFileSync(join(GRAFANA, 'provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = parseYaml(readFileSync(join(GRAFANA, 'provisioning/dashboards/vigia.yml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) })]);
    const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    expect(compose.services.grafana!.volumes).toEqual(
      expect.arrayContaining(['./config/grafana/provisioning:/etc/grafana/provisioning:ro', './config/grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// A running Vigia with every collector fed, to read /metrics from.

/** Where Debian keeps initdb and pg_ctl, newest major first. */
function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway PostgreSQL with pg_stat_statements preloaded: the query-time series only exist
 * with it, and the shared server on :5432 must not be reconfigured for one test.
 */
async function startMonitoredPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql: run `apt-get install -y postgresql` (bash .ci/run does)');
  // initdb refuses to run as root; the cluster then belongs to the postgres account.
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const dir = mkdtempSync(join(tmpdir(), 'vigia-monitored-pg-'));
  if (asRoot) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    chownSync(dir, Number(uid.stdout), Number(gid.stdout));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await run(...wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']));
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c shared_preload_libraries=pg_stat_statements -c fsync=off`;
  await run(...wrap(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run(...wrap(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Names of the series in a Prometheus exposition (sample lines only: a HELP line is not a series). */
function exposedSeries(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{|\s)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

describe('every series the dashboards query', () => {
  // The seed's application keys (mcp:…) under a prefix of this test's own.
  const mcp = `vigiatest:${randomBytes(5).toString('hex')}:mcp:`;
  const redis = new Redis(TEST_REDIS_URL);
  let monitored: { url: string; stop(): Promise<void> } | undefined;
  let db: pg.Pool | undefined;
  let stack: Stack | undefined;
  let traffic: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    monitored = await startMonitoredPostgres();
    db = new pg.Pool({ connectionString: monitored.url, max: 2 });
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    // A table with live and dead rows, so the per-table series exist.
    await db.query('CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL)');
    await db.query('INSERT INTO orders (total) SELECT g FROM generate_series(1, 2000) g');
    await db.query('DELETE FROM orders WHERE id % 3 = 0');
    await db.query('ANALYZE orders');

    // The seed's protocol, as its README writes it.
    await redis.set(`${mcp}metrics:orders:today`, 150);
    await redis.set(`${mcp}metrics:revenue:today`, 45000.0);
    await redis.set(`${mcp}metrics:quotes:today`, 410);
    await redis.set(`${mcp}metrics:active_users`, 37);
    await redis.hset(`${mcp}custom_metric:user_registrations`, { value: 42, tags: JSON.stringify({ plan: 'premium' }) });
    await redis.hset(`${mcp}custom_metric:broken`, { value: 'not a number' }); // counted in vigia_ingest_rejected_total
    await redis.sadd(`${mcp}custom_metrics`, 'user_registrations', 'broken');
    // Requests, errors, response times and statements keep arriving, as in a live system: the
    // rates and percentiles are computed per interval and need something in each one.
    let tick = 0;
    traffic = setInterval(() => {
      tick++;
      const pipeline = redis.pipeline().incrby(`${mcp}metrics:request_count`, 10).lpush(`${mcp}metrics:response_times`, 0.05, 0.12, 0.4).get(`${mcp}metrics:orders:today`).get(`${mcp}no-such-key`);
      if (tick % 2 === 0) pipeline.incr(`${mcp}metrics:error_count`);
      pipeline.exec().catch(() => undefined);
      db?.query('SELECT count(*) FROM orders WHERE total > $1', [tick % 1000]).catch(() => undefined);
    }, 200);

    stack = await startStack({
      yaml: [
        'collectors:',
        '  system:',
        '    interval: 1s',
        '    include_interfaces: [lo]', // the loopback is the one interface every machine has
        '  postgres:',
        '    interval: 1s',
        `    url: ${monitored.url}`,
        '  redis:',
        '    interval: 1s',
        `    prefix: "${mcp}"`,
        '  api:',
        '    interval: 1s',
        `    prefix: "${mcp}"`,
        '  business:',
        '    interval: 1s',
        `    prefix: "${mcp}"`,
        '  custom:',
        '    interval: 1s',
        `    prefix: "${mcp}"`,
        // One rule, so vigia_alerts has its series (0 firing).
        'alerts:',
        '  rules:',
        '    - name: High CPU Usage',
        '      metric: cpu_usage',
        '      operator: ">"',
        '      threshold: 90',
        '      for: 5m',
        '      severity: warning',
        '',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    clearInterval(traffic);
    await stack?.stop();
    await db?.end();
    await monitored?.stop();
    const keys = await redis.keys(`${mcp}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('is exported by a running Vigia’s /metrics', async () => {
    const wanted = new Map<string, string[]>(); // series -> where it is used
    for (const [name, d] of dashboards) {
      for (const e of expressions(name, d)) for (const s of e.series) wanted.set(s, [...(wanted.get(s) ?? []), e.where]);
    }
    expect(wanted.size).toBeGreaterThan(40);
    const get = authedFetch(stack!.apiToken);
    let missing: string[] = [];
    let exposed = new Set<string>();
    // Counters such as the jobs' and the rates need a few collection rounds.
    await waitFor(
      async () => {
        const res = await get(`${stack!.url}/metrics`);
        if (!res.ok) return false;
        exposed = exposedSeries(await res.text());
        missing = [...wanted.keys()].filter((s) => !exposed.has(s));
        return missing.length === 0;
      },
      { timeoutMs: 45_000, intervalMs: 500, what: 'every dashboard series in /metrics' },
    ).catch(() => undefined);
    expect(
      missing.map((s) => `${s} (used in ${wanted.get(s)!.join('; ')})`),
      `series the dashboards query but /metrics does not export; it exports: ${[...exposed].sort().join(' ')}`,
    ).toEqual([]);
  });
});
