import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

type Series = { name: string; labels: Record<string, string>; value: number; stale: boolean };
type History = { points: { labels: Record<string, string>; value: number }[] };

describe('scraping a real node exporter and Vigia’s own /metrics', () => {
  let stack: Stack;
  let exporter: ChildProcess;
  let exporterOutput = '';
  let bad: Server;
  let revived: Server | undefined;
  const sockets = new Set<Socket>();
  let ports: { exporter: number; api: number; bad: number; down: number };
  const token = `scrape-token-${Math.random().toString(36).slice(2)}`;
  const wrongToken = 'wrong-secret-token-4711';
  let get: ReturnType<typeof authedFetch>;

  const current = async () => ((await (await get(`${stack.url}/api/metrics/current`)).json()) as { metrics: Series[] }).metrics;
  const up = async (job: string, instance?: string) => (await current()).find((m) => m.name === 'up' && m.labels.job === job && (!instance || m.labels.instance === instance));
  const facts = async (name: string) => {
    const collectors = await trpcClient(stack.url, token).system.collectors.query();
    return collectors.find((c) => c.name === `scrape:${name}`)?.info as Record<string, unknown> | null | undefined;
  };

  beforeAll(async () => {
    ports = { exporter: await freePort(), api: await freePort(), bad: await freePort(), down: await freePort() };
    exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${ports.exporter}`, '--collector.disable-defaults', '--collector.cpu', '--collector.loadavg', '--collector.meminfo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exporter.stdout!.on('data', (d) => (exporterOutput += d));
    exporter.stderr!.on('data', (d) => (exporterOutput += d));
    await waitFor(async () => (await fetch(`http://127.0.0.1:${ports.exporter}/metrics`)).ok, {
      what: `node exporter to answer (it said: ${exporterOutput.slice(-500)})`,
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    // A garbage page, and one that never answers.
    bad = createServer((req, res) => {
      if (req.url === '/garbage') res.writeHead(200, { 'content-type': 'text/plain' }).end('<<< this is no exposition >>>\n');
    });
    bad.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => bad.listen(ports.bad, '127.0.0.1', resolve));

    stack = await startStack({
      apiPort: ports.api,
      env: { API_TOKEN: token },
      yaml: `collectors:
  system: { enabled: false }
alerts:
  collector_down: { enabled: false }
scrape:
  - job: node
    url: http://127.0.0.1:${ports.exporter}/metrics
    interval: 1s
    labels: { env: e2e }
  - job: vigia
    url: http://127.0.0.1:${ports.api}/metrics
    interval: 1s
    bearer_token: ${token}
    relabel:
      # Its own /metrics also holds what it scraped: reading that back would nest exported_job forever.
      - { action: keep, regex: "vigia_.*|nodejs_gc_duration_seconds_.*|process_cpu_user_seconds_total" }
  - job: vigia
    name: vigia-wrong-token
    url: http://127.0.0.1:${ports.api}/metrics
    interval: 1s
    bearer_token: ${wrongToken}
  - job: down
    url: http://127.0.0.1:${ports.down}/metrics
    interval: 1s
  - job: garbage
    url: http://127.0.0.1:${ports.bad}/garbage
    interval: 1s
  - job: slow
    url: http://127.0.0.1:${ports.bad}/hang
    interval: 1s
    timeout: 300ms
`,
    });
    // The stack's API_TOKEN is this one (env), which the vigia target logs in with.
    get = authedFetch(token);
  });

  afterAll(async () => {
    await stack?.stop();
    exporter?.kill();
    for (const s of sockets) s.destroy();
    await Promise.all([bad, revived].map((s) => s && new Promise((resolve) => s.close(resolve))));
  });

  it('scrapes each target once per cluster as its own part, into the live view and history with job and instance', async () => {
    const node = stack.worker!.runners.get('scrape:node');
    expect(node).toMatchObject({ scope: 'shared', intervalMs: 1_000 });
    expect([...stack.worker!.runners.keys()].filter((k) => k.startsWith('scrape:')).sort()).toEqual([
      'scrape:down',
      'scrape:garbage',
      'scrape:node',
      'scrape:slow',
      'scrape:vigia',
      'scrape:vigia-wrong-token',
    ]);

    const instance = `127.0.0.1:${ports.exporter}`;
    await waitFor(async () => (await up('node'))?.value === 1, { what: `up{job="node"} 1 (facts: ${JSON.stringify(await facts('node').catch(() => null))})`, timeoutMs: 30_000 });
    const series = await current();
    const cpu = series.filter((m) => m.name === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    // Prometheus' labels, the target's own, and no host: a shared collector is not per machine.
    expect(cpu[0]!.labels).toEqual({ cpu: expect.any(String), mode: expect.any(String), job: 'node', instance, env: 'e2e' });
    expect(series.find((m) => m.name === 'node_memory_MemTotal_bytes')?.value).toBeGreaterThan(0);
    expect(series.find((m) => m.name === 'node_load1')?.labels).toEqual({ job: 'node', instance, env: 'e2e' });
    expect(series.find((m) => m.name === 'scrape_samples_scraped' && m.labels.job === 'node')!.value).toBeGreaterThan(50);

    const history = async (name: string) => {
      const res = await get(`${stack.url}/api/metrics/${name}?limit=1000`);
      return res.status === 200 ? ((await res.json()) as History) : null;
    };
    await waitFor(async () => (await history('node_cpu_seconds_total'))?.points.some((p) => p.labels.job === 'node' && p.labels.mode === 'idle'), { what: 'node_cpu_seconds_total in history' });
    await waitFor(async () => (await history('up'))?.points.some((p) => p.labels.job === 'node' && p.value === 1), { what: 'up in history' });
    expect((await facts('node'))!).toMatchObject({ ok: true, job: 'node', instance, format: 'prometheus', http_status: 200 });
  });

  it('logs in to Vigia’s own /metrics with the bearer token and keeps its histograms under their Prometheus names', async () => {
    await waitFor(async () => (await up('vigia', `127.0.0.1:${ports.api}`))?.value === 1, { what: 'up{job="vigia"} 1', timeoutMs: 30_000 });
    const series = await waitFor(
      async () => {
        const all = await current();
        return all.some((m) => m.name === 'nodejs_gc_duration_seconds_bucket') ? all : null;
      },
      { what: 'the GC histogram of Vigia’s /metrics' },
    );
    const own = series.filter((m) => m.labels.job === 'vigia');
    expect(own.some((m) => m.name.startsWith('vigia_'))).toBe(true);
    // Only what the keep rule lets through (plus the scrape's own series).
    expect(own.filter((m) => !/^(vigia_|nodejs_gc_duration_seconds_|process_cpu_user_seconds_total$|up$|scrape_)/.test(m.name))).toEqual([]);
    // One histogram per kind of GC: le buckets rising to +Inf, which equals _count.
    const buckets = series.filter((m) => m.name === 'nodejs_gc_duration_seconds_bucket');
    const kind = buckets[0]!.labels.kind!;
    const ofKind = buckets.filter((m) => m.labels.kind === kind).sort((a, b) => Number(a.labels.le === '+Inf' ? Infinity : a.labels.le) - Number(b.labels.le === '+Inf' ? Infinity : b.labels.le));
    expect(ofKind.at(-1)!.labels.le).toBe('+Inf');
    for (let i = 1; i < ofKind.length; i++) expect(ofKind[i]!.value).toBeGreaterThanOrEqual(ofKind[i - 1]!.value);
    expect(series.some((m) => m.name === 'nodejs_gc_duration_seconds_count' && m.labels.kind === kind)).toBe(true);
    expect(series.some((m) => m.name === 'nodejs_gc_duration_seconds_sum' && m.labels.kind === kind)).toBe(true);
  });

  it('isolates failing targets: up 0 with a readable reason in their facts, no secret shown, the others unaffected', async () => {
    const reasons: Record<string, RegExp | string> = {
      'vigia-wrong-token': 'HTTP 401 Unauthorized: check its bearer_token or basic_auth',
      down: `connection refused 127.0.0.1:${ports.down}`,
      garbage: 'the Prometheus text page does not parse: line 1: expected a metric name at column 1, found "<<< this i"',
      slow: 'timed out after 0.3 s',
    };
    for (const [name, reason] of Object.entries(reasons)) {
      const info = await waitFor(
        async () => {
          const f = await facts(name);
          return f && f.ok === false ? f : null;
        },
        { what: `scrape:${name} to fail`, timeoutMs: 30_000 },
      );
      expect(info.reason, name).toBe(reason);
      expect(info.url, name).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    for (const job of ['down', 'garbage', 'slow']) expect((await up(job))?.value, job).toBe(0);
    expect((await up('vigia', `127.0.0.1:${ports.api}`))?.value).toBe(1);
    expect((await up('node'))?.value).toBe(1);

    // Secrets stay out of everything a user can read about the targets.
    const shown = JSON.stringify([await trpcClient(stack.url, token).system.collectors.query(), await (await get(`${stack.url}/api/system/info`)).json()]);
    expect(shown).not.toContain(wrongToken);
    expect(shown).not.toContain(token);
    // A failing target is a scrape that went wrong, not a collector that did: its part stays healthy.
    const collectors = await trpcClient(stack.url, token).system.collectors.query();
    expect(collectors.find((c) => c.name === 'scrape:down')?.status).toBe('ok');
  });

  it('retries a failing target every interval: it is up again as soon as it answers', async () => {
    await waitFor(async () => (await up('down'))?.value === 0, { what: 'up{job="down"} 0' });
    revived = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('revived_metric 42\n'));
    await new Promise<void>((resolve) => revived!.listen(ports.down, '127.0.0.1', resolve));
    await waitFor(async () => (await up('down'))?.value === 1, { what: 'up{job="down"} 1 after the target came back', timeoutMs: 30_000 });
    expect((await current()).find((m) => m.name === 'revived_metric')).toMatchObject({ value: 42, labels: { job: 'down', instance: `127.0.0.1:${ports.down}` } });
  });
});
