import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, createPostgresDatabase, startTcpProxy, waitFor } from '@vigia/testing';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

const SIGNING_SECRET = 'status-page-signing-secret';

interface PublicStatus {
  overall: string;
  components: { name: string; state: string; uptime: { ratio90d: number | null; days: { status: string }[] } | null }[];
  incidents: { id: number; title: string; impact: string; status: string; components: string[]; updates: { status: string; message: string }[] }[];
  resolved: { id: number; title: string; status: string; updates: { message: string }[] }[];
  maintenance: { components: string[]; inProgress: boolean }[];
}

function slackCommand(text: string, user = 'ana') {
  const body = new URLSearchParams({ command: '/status', text, user_name: user, user_id: 'U123' }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, body };
}

describe('the public status page, driven by alert episodes', () => {
  let stack: Stack;
  let server: Server;
  let failing = false;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let drop: () => Promise<void>;
  let get: ReturnType<typeof authedFetch>;
  let incidentId: number;
  const status = async () => (await (await fetch(`${stack.url}/status.json`)).json()) as PublicStatus;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = failing ? 500 : 200;
      res.end(failing ? 'broken' : 'ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const database = await createPostgresDatabase();
    drop = database.drop;
    proxy = await startTcpProxy(Number(new URL(TEST_POSTGRES_URL).port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    stack = await startStack({
      store: 'postgres',
      env: { DATABASE_URL: viaProxy.toString(), SLACK_SIGNING_SECRET: SIGNING_SECRET },
      yaml: `collectors:
  system: { enabled: false }
storage: { flush_interval: 500ms }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  rules:
    - name: Probe Target Down
      metric: probe_success
      operator: "=="
      threshold: 0
      for: 1s
      severity: critical
probes:
  - name: local-web
    interval: 500ms
    timeout: 400ms
    labels: { team: secret-team }
    http: { url: "http://127.0.0.1:${port}/health" }
maintenance_windows:
  - name: Vacuum of billing-db-01
    every: daily
    at: "03:00"
    duration: 30m
    timezone: UTC
    match: { labels: { service: billing } }
status_page:
  enabled: true
  title: Acme status
  refresh: 500ms
  components:
    - name: Website
      description: The shop
      probe: local-web
    - name: Billing
      match: { labels: { service: billing } }
    - name: Shop
      probe: shop-not-configured
`,
    });
    get = authedFetch(stack.apiToken);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop().catch(() => {});
    await proxy?.close();
    await drop?.();
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('shows every component operational, the scheduled maintenance, and the probe uptime bar', async () => {
    const page = await waitFor(
      async () => {
        const s = await status();
        return s.components[0]?.uptime?.ratio90d === 1 ? s : null;
      },
      { what: 'the Website uptime on the page', timeoutMs: 30_000 },
    );
    expect(page.overall).toBe('operational');
    expect(page.components.map((c) => [c.name, c.state])).toEqual([
      ['Website', 'operational'],
      ['Billing', 'operational'],
      ['Shop', 'operational'],
    ]);
    expect(page.components[0]!.uptime!.days).toHaveLength(90);
    expect(page.components[0]!.uptime!.days.at(-1)!.status).toBe('up');
    expect(page.components[1]!.uptime).toBeNull();
    // A probe in neither monitoring.yaml nor the dashboard: the component is there, without a bar.
    expect(page.components[2]!.uptime).toBeNull();
    expect(page.maintenance).toEqual([expect.objectContaining({ components: ['Billing'], inProgress: false })]);
    const html = await (await fetch(`${stack.url}/status`)).text();
    expect(html).toContain('All systems operational');
    expect(html).toContain('Scheduled maintenance');
    expect(html.match(/class="bar"/g)).toHaveLength(1);
    expect(html).toContain('<span>Shop</span>');
  });

  it('answers GET /api/uptime with each probe’s windows, for signed-in callers only', async () => {
    expect((await fetch(`${stack.url}/api/uptime`)).status).toBe(401);
    const body = (await (await get(`${stack.url}/api/uptime`)).json()) as { probes: { probe: string; windows: Record<string, { ratio: number | null }>; days: unknown[] }[] };
    const web = body.probes.find((p) => p.probe === 'local-web')!;
    expect(web.windows['24h']!.ratio).toBe(1);
    expect(web.days).toHaveLength(90);
  });

  it('opens a "Major outage" incident when the probe’s critical alert fires', async () => {
    failing = true;
    const page = await waitFor(
      async () => {
        const s = await status();
        return s.incidents.length ? s : null;
      },
      { what: 'an incident on the page', timeoutMs: 30_000 },
    );
    expect(page.incidents[0]).toMatchObject({ title: 'Website: Major outage', impact: 'major', status: 'investigating', components: ['Website'] });
    expect(page.overall).toBe('major');
    expect(page.components[0]!.state).toBe('major');
    incidentId = page.incidents[0]!.id;
    // One incident per component, however many evaluations see the episode.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await status()).incidents).toHaveLength(1);
  });

  it('shows updates posted through the API and the Slack command', async () => {
    const posted = await get(`${stack.url}/api/status/incidents/${incidentId}/updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'identified', message: 'A faulty deploy; rolling back.' }),
    });
    expect(posted.status).toBe(201);
    const slack = await fetch(`${stack.url}/api/integrations/slack/commands`, slackCommand(`update ${incidentId} monitoring The rollback is out; watching.`));
    expect(slack.status).toBe(200);
    expect(((await slack.json()) as { text: string }).text).toContain(`Incident #${incidentId}: monitoring`);
    const forged = slackCommand(`update ${incidentId} monitoring forged`);
    expect((await fetch(`${stack.url}/api/integrations/slack/commands`, { ...forged, headers: { ...forged.headers, 'x-slack-signature': 'v0=00' } })).status).toBe(401);
    const bad = await fetch(`${stack.url}/api/integrations/slack/commands`, slackCommand('update 999999 monitoring nope'));
    expect(((await bad.json()) as { text: string }).text).toBe('no incident 999999');

    const page = await waitFor(
      async () => {
        const s = await status();
        return s.incidents[0]?.updates.length === 3 ? s : null;
      },
      { what: 'both updates on the page' },
    );
    expect(page.incidents[0]!.status).toBe('monitoring');
    expect(page.incidents[0]!.updates.map((u) => [u.status, u.message])).toEqual([
      ['monitoring', 'The rollback is out; watching.'],
      ['identified', 'A faulty deploy; rolling back.'],
      ['investigating', 'Website is unavailable. We are investigating.'],
    ]);
    const html = await (await fetch(`${stack.url}/status`)).text();
    expect(html).toContain('The rollback is out; watching.');
    expect(html).toContain('A faulty deploy; rolling back.');
  });

  it('exposes nothing that is not configured public', async () => {
    const res = await fetch(`${stack.url}/status`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    const json = JSON.stringify(await status());
    const port = String((server.address() as AddressInfo).port);
    const internal = await trpcClient(stack.url, stack.apiToken).alerts.list.query({ status: 'firing' });
    for (const text of [html, json]) {
      for (const secret of [
        'Probe Target Down',
        'local-web',
        'shop-not-configured',
        'secret-team',
        stack.config.collection.host,
        '127.0.0.1',
        port,
        'billing-db-01',
        'slack:ana',
        'api-token',
        ...internal.map((a) => a.id),
      ]) {
        expect(text, `the page shows ${secret}`).not.toContain(secret);
      }
    }
  });

  it('keeps answering from its cache while PostgreSQL is down', { timeout: 60_000 }, async () => {
    await proxy.cut();
    try {
      await waitFor(async () => (await fetch(`${stack.url}/healthz`)).status === 503, { what: 'the database reported down' });
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${stack.url}/status`);
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('The rollback is out; watching.');
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await proxy.restore();
    }
    await waitFor(async () => (await fetch(`${stack.url}/healthz`)).status === 200, { what: 'the database back', timeoutMs: 30_000 });
  });

  it('closes the incident when the alert resolves', { timeout: 60_000 }, async () => {
    failing = false;
    const page = await waitFor(
      async () => {
        const s = await status();
        return s.incidents.length === 0 && s.resolved.length === 1 ? s : null;
      },
      { what: 'the incident resolved', timeoutMs: 45_000 },
    );
    expect(page.resolved[0]).toMatchObject({ id: incidentId, status: 'resolved' });
    expect(page.resolved[0]!.updates[0]!.message).toBe('This incident has been resolved.');
    expect(page.overall).toBe('operational');
    const internal = (await (await get(`${stack.url}/api/status/incidents`)).json()) as { incidents: { id: number; automatic: boolean; updates: { author: string }[] }[] };
    expect(internal.incidents[0]).toMatchObject({ id: incidentId, automatic: true });
    expect(internal.incidents[0]!.updates.map((u) => u.author)).toEqual(['vigia', 'slack:ana', 'api-token', 'vigia']);
  });

  it('closes an incident with the Slack `/status resolve <id> <message>` command', async () => {
    const opened = await get(`${stack.url}/api/status/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Invoices delayed', impact: 'degraded', components: ['Billing'], message: 'Invoices are going out late.' }),
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: number };
    await waitFor(async () => ((await status()).incidents.some((i) => i.id === id) ? true : null), { what: 'the hand-opened incident on the page' });

    const slack = await fetch(`${stack.url}/api/integrations/slack/commands`, slackCommand(`resolve ${id} Invoices are caught up.`, 'bea'));
    expect(slack.status).toBe(200);
    expect(await slack.json()).toEqual({ response_type: 'in_channel', text: `Incident #${id}: resolved — Invoices are caught up. (slack:bea)` });
    // A forged resolve changes nothing.
    const forged = slackCommand(`resolve ${id} forged`);
    expect((await fetch(`${stack.url}/api/integrations/slack/commands`, { ...forged, headers: { ...forged.headers, 'x-slack-signature': 'v0=00' } })).status).toBe(401);

    const page = await waitFor(
      async () => {
        const s = await status();
        return s.resolved.some((i) => i.id === id) ? s : null;
      },
      { what: 'the incident resolved on the page' },
    );
    expect(page.incidents.map((i) => i.id)).not.toContain(id);
    expect(page.components.find((c) => c.name === 'Billing')!.state).toBe('operational');
    expect(page.resolved.find((i) => i.id === id)).toMatchObject({ status: 'resolved', updates: [{ message: 'Invoices are caught up.' }, { message: 'Invoices are going out late.' }] });
    const html = await (await fetch(`${stack.url}/status`)).text();
    expect(html).toContain('Invoices are caught up.');
  });
});

describe('the status page switched off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ store: 'pglite', worker: false, yaml: 'collectors:\n  system: { enabled: false }\n' });
  }, 60_000);
  afterAll(() => stack?.stop());

  it('is not there: 404 for /status and /status.json', async () => {
    for (const path of ['/status', '/status.json']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('<html');
    }
  });
});
