import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

describe('the API of a running Vigia', () => {
  let stack: Stack;
  let get: ReturnType<typeof authedFetch>;

  beforeAll(async () => {
    stack = await startStack();
    get = authedFetch(stack.apiToken);
    // The system collector runs every second: wait for a few samples in history.
    await waitFor(
      async () => {
        const res = await get(`${stack.url}/api/metrics/cpu_usage?limit=3`);
        return res.ok && ((await res.json()) as { points: unknown[] }).points.length === 3;
      },
      { what: 'three cpu samples in history' },
    );
  });
  afterAll(() => stack?.stop());

  it('answers 401 everywhere but /healthz without credentials', async () => {
    const health = await fetch(`${stack.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', redis: { ok: true }, database: { ok: true } });
    for (const path of ['/api/metrics/current', '/api/metrics/cpu_usage', '/api/metrics/nope', '/api/system/info', '/metrics', '/trpc/metrics.current', '/trpc/system.info']) {
      expect((await fetch(`${stack.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${stack.url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, `${path} with a wrong token`).toBe(401);
    }
    const forged = await fetch(`${stack.url}/api/metrics/current`, { headers: { cookie: 'vigia_session=abc.def' } });
    expect(forged.status).toBe(401);
  });

  it('logs in with a password, keeps the session in a cookie, and logs out', async () => {
    const login = (password: string) =>
      fetch(`${stack.url}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const wrong = await login('not-it');
    expect(wrong.status).toBe(401);
    const ok = await login(stack.adminPassword);
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/vigia_session=.+; .*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0]!;
    const me = await fetch(`${stack.url}/api/metrics/current`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    await fetch(`${stack.url}/trpc/auth.logout`, { method: 'POST', headers: { cookie: session, 'content-type': 'application/json' }, body: '{}' });
    expect((await fetch(`${stack.url}/api/metrics/current`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('serves the seed REST endpoints with their shapes', async () => {
    const current = (await (await get(`${stack.url}/api/metrics/current`)).json()) as {
      timestamp: string;
      metrics: { name: string; labels: object; value: number; unit: string; timestamp: string }[];
    };
    expect(Date.parse(current.timestamp)).toBeGreaterThan(0);
    const cpu = current.metrics.find((m) => m.name === 'cpu_usage')!;
    expect(cpu).toMatchObject({ labels: { host: stack.config.collection.host }, unit: '%', value: expect.any(Number) });
    expect(Object.keys(cpu.labels)).toEqual(['host']);
    expect(Date.parse(cpu.timestamp)).toBeGreaterThan(0);
    expect(current.metrics.some((m) => m.name === 'disk_usage' && (m.labels as Record<string, string>).mount === '/')).toBe(true);

    const history = (await (await get(`${stack.url}/api/metrics/cpu_usage?limit=3`)).json()) as { name: string; points: { timestamp: string; value: number; labels: object }[] };
    expect(history.name).toBe('cpu_usage');
    expect(history.points).toHaveLength(3);
    const times = history.points.map((p) => Date.parse(p.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times); // oldest first
    const ranged = (await (await get(`${stack.url}/api/metrics/cpu_usage?from=${new Date(times[1]!).toISOString()}&to=${times[2]}`)).json()) as typeof history;
    expect(ranged.points.map((p) => Date.parse(p.timestamp))).toEqual([times[1], times[2]]);

    type HostFacts = { name: string; hostname: string; cpuCores: number; uptimeSeconds: number };
    const info = (await (await get(`${stack.url}/api/system/info`)).json()) as {
      host: HostFacts;
      hosts: HostFacts[];
      collectors: { name: string; status: string }[];
      plugins: Record<string, unknown>;
    };
    const host = stack.config.collection.host;
    expect(info.host.cpuCores).toBeGreaterThan(0);
    expect(info.host.name).toBe(host);
    expect(info.hosts).toEqual([info.host]);
    expect(info.collectors.find((c) => c.name === `system@${host}`)?.status).toBe('ok');
    expect(info.collectors.filter((c) => c.name.startsWith('system'))).toHaveLength(1);
    expect(Object.keys(info.plugins).filter((k) => k.startsWith('system'))).toEqual([]);
  });

  it('answers bad input with 400 and a message, unknown metrics with 404', async () => {
    for (const query of ['limit=abc', 'limit=0', 'from=yesterday', 'from=2026-01-02&to=2026-01-01', 'bogus=1']) {
      const res = await get(`${stack.url}/api/metrics/cpu_usage?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
      expect(body.issues[0]!.message.length, query).toBeGreaterThan(0);
    }
    const missing = await get(`${stack.url}/api/metrics/no_such_metric`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no metric named no_such_metric' });
    expect((await get(`${stack.url}/api/nothing-here`)).status).toBe(404);
  });

  it('serves history, lists and current values through tRPC', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const list = await client.metrics.list.query();
    expect(list.find((m) => m.name === 'cpu_usage')).toMatchObject({ unit: '%', help: expect.stringContaining('CPU'), series: 1 });
    const disk = list.find((m) => m.name === 'disk_usage')!;
    expect(disk.labelNames).toContain('mount');
    const now = Date.now();
    const history = await client.metrics.history.query({ name: 'cpu_usage', from: now - 15 * 60_000, to: now, maxPoints: 1000 });
    expect(history.resolution).toBe('raw');
    expect(history.series[0]!.points.length).toBeGreaterThanOrEqual(3);
    const day = await client.metrics.history.query({ name: 'cpu_usage', from: now - 86_400_000, to: now, maxPoints: 300 });
    expect(day.resolution).toBe('1m');
    expect(day.series[0]!.points.length).toBeLessThanOrEqual(300);
    await expect(client.metrics.history.query({ name: 'cpu_usage', from: now, to: now - 1 })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    await expect(client.metrics.history.query({ name: 'nope' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('exports every series and its own metrics to Prometheus, clean for promtool', async () => {
    const res = await get(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^# HELP cpu_usage /m);
    const host = stack.config.collection.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(text).toMatch(new RegExp(`^cpu_usage\\{host="${host}"\\} \\d`, 'm'));
    expect(text).toMatch(/^disk_usage\{[^}]*mount="\/"/m);
    expect(text).toMatch(new RegExp(`^vigia_collector_up\\{collector="system@${host}"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^vigia_collector_runs_total\\{collector="system@${host}"\\} \\d+`, 'm'));
    expect(text).toMatch(/^vigia_queue_jobs\{queue="notify",state="delayed"\} \d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(promtool.error, 'promtool is installed (apt-get install -y prometheus)').toBeUndefined();
    expect(`${promtool.stdout}${promtool.stderr}`).toBe('');
    expect(promtool.status).toBe(0);
  });

  it('reports event-loop lag as real numbers to scrapes in quick succession', async () => {
    const lag = async (): Promise<Record<string, number>> => {
      const text = await (await get(`${stack.url}/metrics`)).text();
      return Object.fromEntries([...text.matchAll(/^nodejs_eventloop_lag_(min|mean|p99)_seconds (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    };
    // The first look may come within a second of the start, before the loop's first timing.
    await lag();
    await new Promise((r) => setTimeout(r, 1_100));
    for (const figures of [await lag(), await lag()]) {
      expect(Object.keys(figures).sort()).toEqual(['mean', 'min', 'p99']);
      // An empty histogram reads as NaN and a minimum of about 9.2e9 s: neither is a delay.
      for (const value of Object.values(figures)) expect(value >= 0 && value < 60).toBe(true);
    }
  });

  it('streams live samples and resumes after a reconnect from the last event id', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const received: { id: string; names: string[] }[] = [];
    const first = client.metrics.live.subscribe({ names: ['cpu_usage'] }, { onData: (e) => received.push({ id: e.id, names: e.data.samples.map((s) => s.name) }) });
    await waitFor(() => received.length >= 2, { what: 'two live batches' });
    first.unsubscribe();
    expect(received.every((r) => r.names.every((n) => n === 'cpu_usage'))).toBe(true);
    const lastId = received[received.length - 1]!.id;
    // Let batches pass while nobody listens, then resume from the last id seen.
    await new Promise((r) => setTimeout(r, 2_500));
    const resumed: string[] = [];
    const second = client.metrics.live.subscribe({ names: ['cpu_usage'], lastEventId: lastId }, { onData: (e) => resumed.push(e.id) });
    await waitFor(() => resumed.length >= 3, { what: 'resumed batches' });
    second.unsubscribe();
    const [lastMs, lastSeq] = lastId.split('-').map(Number) as [number, number];
    for (const id of resumed) {
      const [ms, seq] = id.split('-').map(Number) as [number, number];
      expect(ms > lastMs || (ms === lastMs && seq > lastSeq)).toBe(true);
    }
    // The missed batches came first, in order, without gaps: at least two were missed in 2.5 s.
    expect(Number(resumed[0]!.split('-')[0])).toBeLessThan(Date.now() - 1_000);
    expect([...resumed].sort()).toEqual(resumed);
  });
});

describe('METRICS_PUBLIC', () => {
  it('opens /metrics, and only /metrics, to scrapers without a token', async () => {
    const stack = await startStack({ worker: false, env: { METRICS_PUBLIC: 'true' } });
    try {
      expect((await fetch(`${stack.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${stack.url}/api/metrics/current`)).status).toBe(401);
    } finally {
      await stack.stop();
    }
  });
});
