import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

type Current = { metrics: { name: string; labels: Record<string, string>; value: number; stale: boolean }[] };

describe('a probe of a local HTTP server inside a running Vigia', () => {
  let stack: Stack;
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  let get: ReturnType<typeof authedFetch>;
  const current = async () => ((await (await get(`${stack.url}/api/metrics/current`)).json()) as Current).metrics;
  const probeSeries = async (name: string) => (await current()).find((m) => m.name === name && m.labels.probe === 'local-web');

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('status: ok'));
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  rules:
    - name: Probe Target Down
      metric: probe_success
      operator: "=="
      threshold: 0
      for: 2s
      severity: critical
probes:
  - name: local-web
    interval: 1s
    timeout: 1s
    labels: { team: e2e }
    http: { url: "http://127.0.0.1:${port}/health", keyword: ok }
`,
    });
    get = authedFetch(stack.apiToken);
  });

  afterAll(async () => {
    await stack?.stop();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('runs as its own host-scoped part and reports success with the probe, its labels and the host', async () => {
    expect([...stack.worker!.runners.keys()]).toContain('probe:local-web');
    expect(stack.worker!.runners.get('probe:local-web')).toMatchObject({ scope: 'host', intervalMs: 1_000 });
    const up = await waitFor(async () => ((await probeSeries('probe_success'))?.value === 1 ? probeSeries('probe_success') : null), { what: 'probe_success 1' });
    expect(up!.labels).toEqual({ probe: 'local-web', team: 'e2e', host: stack.config.collection.host });
    expect((await probeSeries('probe_http_status'))?.value).toBe(200);
  });

  it('reports 0 with a readable reason once the server stops, and the target-down rule fires', async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    const down = await waitFor(async () => ((await probeSeries('probe_success'))?.value === 0 ? probeSeries('probe_success') : null), { what: 'probe_success 0' });
    expect(down!.labels.probe).toBe('local-web');
    const failure = await waitFor(async () => (await current()).find((m) => m.name === 'probe_failure_info' && m.value === 1), { what: 'probe_failure_info' });
    expect(failure!.labels).toMatchObject({ probe: 'local-web', reason: `connection refused 127.0.0.1:${port}` });

    const exposition = await (await get(`${stack.url}/metrics`)).text();
    expect(exposition).toMatch(/^probe_success\{[^}]*probe="local-web"[^}]*\} 0/m);

    const client = trpcClient(stack.url, stack.apiToken);
    const alert = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' })).find((a) => a.rule === 'Probe Target Down'), { what: 'the target-down alert', timeoutMs: 30_000 });
    expect(alert.labels).toMatchObject({ probe: 'local-web', host: stack.config.collection.host });
  });
});

describe('probes that hang inside a running Vigia', () => {
  let stack: Stack;
  let silent: Server;
  let good: Server;
  const open = new Set<Socket>();
  let goodRequests = 0;

  beforeAll(async () => {
    // Accepts and never answers: each probe of it hangs until its own timeout.
    silent = createServer(() => {});
    silent.on('connection', (s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    good = createServer((_req, res) => {
      goodRequests++;
      res.end('ok');
    });
    await Promise.all([silent, good].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const port = (s: Server) => (s.address() as AddressInfo).port;
    const hanging = Array.from({ length: 10 }, (_, i) => `  - name: hang-${i}\n    interval: 20s\n    timeout: 20s\n    http: { url: "http://127.0.0.1:${port(silent)}/" }\n`).join('');
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  collector_down: { enabled: false }
probes:
  - name: good
    interval: 1s
    timeout: 1s
    http: { url: "http://127.0.0.1:${port(good)}/" }
${hanging}`,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    for (const s of open) s.destroy();
    await Promise.all([silent, good].map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('do not hold back another probe: it keeps its ticks while ten others hang', async () => {
    await waitFor(() => open.size === 10, { what: 'all ten hanging probes to be waiting at once', timeoutMs: 60_000 });
    const before = goodRequests;
    await waitFor(() => goodRequests >= before + 3, { what: 'three more ticks of the good probe', timeoutMs: 60_000 });
    // None of the hanging probes has reached its timeout yet: the good one did not wait for them.
    expect(open.size).toBe(10);
  }, 150_000);
});
