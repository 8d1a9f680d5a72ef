import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, startSmtpSink, waitFor } from '@vigia/testing';
import { testRuleYaml } from '../src/alerting-dashboard.ts';
import { authedFetch, feedSamples, startStack, trpcClient, type Stack } from '../src/index.ts';

type Hook = {
  status: string;
  reason: string;
  notificationId: string;
  alertId: string;
  alert: { rule: string; value: number; labels: Record<string, string>; summary: string; message?: string; acknowledgedBy?: string; comment?: string };
};

function alertingYaml(hookUrl: string, extra = '') {
  return `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 2s, stalled_check: 2s }
  rules:
${testRuleYaml()}channels:
  hook:
    type: webhook
    url: ${hookUrl}/hook
    auth_token: hook-token
    signing_secret: hook-secret
    template: "{{ severity }}: {{ rule }} is {{ value }} on {{ labels.host }} ({{ reason }})"
${extra}`;
}

/** Feeds test_value{host="a"} the way a collector does, every 100 ms; the function returned stops it. */
function feed(stack: Stack, value: () => number): () => Promise<void> {
  const samples = feedSamples(stack.prefix, () => [{ name: 'test_value', labels: { host: 'a' }, value: value() }]);
  return () => samples.stop();
}

describe('an alert through its whole life, delivered to a webhook', () => {
  let stack: Stack;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  let stopFeed: () => Promise<void>;
  let value = 50;

  beforeAll(async () => {
    hook = await startHttpReceiver();
    stack = await startStack({ yaml: alertingYaml(hook.url) });
    stopFeed = feed(stack, () => value);
  });
  afterAll(async () => {
    await stopFeed?.();
    await stack?.stop();
    await hook?.close();
  });

  it('fires once after `for`, signed and authenticated, then acknowledges and resolves', async () => {
    const fired = await waitFor(() => hook.json<Hook>((b) => b.reason === 'new')[0], { what: 'the firing webhook' });
    expect(fired).toMatchObject({
      status: 'firing',
      alert: { rule: 'Test Value High', value: 50, labels: { host: 'a' }, summary: 'test_value is 50 on a', message: 'critical: Test Value High is 50 on a (new)' },
    });
    const request = hook.requests[0]!;
    expect(request.headers.authorization).toBe('Bearer hook-token');
    const signed = `${request.headers['x-vigia-timestamp']}.${request.body}`;
    expect(request.headers['x-vigia-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(signed).digest('hex')}`);
    expect(request.headers['x-vigia-notification-id']).toBe(fired.notificationId);

    const client = trpcClient(stack.url, stack.apiToken);
    const firing = await client.alerts.list.query({ status: 'firing' });
    expect(firing).toHaveLength(1);
    const id = firing[0]!.id;
    expect(id).toBe(fired.alertId);

    // Acknowledge over the seed's REST shape.
    const res = await authedFetch(stack.apiToken)(`${stack.url}/api/alerts/${id}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'looking into it' }),
    });
    expect(res.status).toBe(200);
    const acked = await waitFor(() => hook.json<Hook>((b) => b.reason === 'acknowledged')[0], { what: 'the acknowledged webhook' });
    expect(acked).toMatchObject({ status: 'acknowledged', alertId: id, alert: { acknowledgedBy: 'api-token', comment: 'looking into it' } });
    const again = await authedFetch(stack.apiToken)(`${stack.url}/api/alerts/${id}/acknowledge`, { method: 'POST' });
    expect(again.status).toBe(409);

    value = 1;
    const resolved = await waitFor(() => hook.json<Hook>((b) => b.reason === 'resolved')[0], { what: 'the resolved webhook' });
    expect(resolved).toMatchObject({ status: 'resolved', alertId: id });

    const detail = await client.alerts.get.query({ id });
    expect(detail.alert).toMatchObject({ status: 'resolved', acknowledgedBy: 'api-token', resolvedBy: 'vigia' });
    expect(detail.events.map((e) => e.type)).toEqual(['firing', 'acknowledged', 'resolved']);
    expect(detail.events[1]).toMatchObject({ actor: 'api-token', comment: 'looking into it' });
    expect(detail.deliveries.map((d) => d.outcome)).toEqual(['delivered', 'delivered', 'delivered']);
    // One message per reason: no duplicates.
    expect(new Set(hook.json<Hook>().map((b) => b.notificationId)).size).toBe(hook.requests.length);
    expect(hook.requests).toHaveLength(3);

    const rest = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/alerts?status=resolved`)).json()) as { alerts: { id: string; startedAt: string }[] };
    expect(rest.alerts.map((a) => a.id)).toEqual([id]);
    expect(Date.parse(rest.alerts[0]!.startedAt)).toBeGreaterThan(0);
    const metrics = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^vigia_alerts\{rule="Test Value High",severity="critical",state="firing"\} 0$/m);
  });

  it('lists rules with their state and channels with secrets redacted', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const rules = await client.rules.list.query();
    expect(rules.find((r) => r.name === 'Test Value High')).toMatchObject({ threshold: 10, severity: 'critical', values: [{ labels: { host: 'a' } }] });
    const channels = await client.channels.list.query();
    expect(channels).toEqual([expect.objectContaining({ name: 'hook', type: 'webhook', enabled: true, config: expect.objectContaining({ auth_token: '***', signing_secret: '***' }) })]);
    expect(JSON.stringify(channels)).not.toContain('hook-secret');
    expect(JSON.stringify(channels)).not.toContain('hook-token');
    const [alert] = await client.alerts.list.query({});
    const preview = await client.channels.preview.query({ channel: 'hook', alertId: alert!.id });
    expect(preview.message).toBe('critical: Test Value High is 1 on a (resolved)'); // the value when it resolved
    // The webhook plugin's own preview: the JSON body it posts, never its bearer token or signing secret.
    expect(preview.rendered).toMatchObject({ format: 'json' });
    expect(JSON.parse(preview.rendered!.body)).toMatchObject({ status: 'resolved', alert: { message: preview.message } });
    expect(JSON.stringify(preview)).not.toContain('hook-secret');
    expect(JSON.stringify(preview)).not.toContain('hook-token');
    const sample = await client.channels.preview.query({ channel: 'hook' });
    expect(sample).toMatchObject({ sample: true, notification: { alertId: 'sample', severity: 'critical' } });
  });

  it('sends a test notification on request', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const before = hook.requests.length;
    expect(await client.channels.test.mutate({ name: 'hook' })).toMatchObject({ delivered: true });
    expect(
      hook
        .json<Hook>()
        .slice(before)
        .map((b) => b.reason),
    ).toEqual(['test']);
  });
});

describe('delivery faults', () => {
  let stack: Stack | undefined;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>> | undefined;
  let stopFeed: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopFeed?.();
    await stack?.stop();
    await hook?.close();
    stack = hook = stopFeed = undefined;
  });

  it('retries a receiver failing with 500 and delivers on the fourth attempt: four ledger rows', async () => {
    hook = await startHttpReceiver((_req, i) => (i < 3 ? 500 : 200));
    stack = await startStack({ yaml: alertingYaml(hook.url) });
    stopFeed = feed(stack, () => 50);
    const client = trpcClient(stack.url, stack.apiToken);
    const id = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0]?.id, { what: 'the alert' });
    const detail = await waitFor(
      async () => {
        const d = await client.alerts.get.query({ id });
        return d.deliveries.some((x) => x.outcome === 'delivered') ? d : null;
      },
      { what: 'the delivery' },
    );
    expect(detail.deliveries.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'retryable'],
      [2, 'retryable'],
      [3, 'retryable'],
      [4, 'delivered'],
    ]);
    expect(detail.deliveries[0]!.error).toContain('500');
    expect(detail.notifications[0]).toMatchObject({ state: 'delivered', attempts: 4 });
    expect(hook.requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
  });

  it('stops at once on a 4xx: permanent, one attempt, no retry storm', async () => {
    hook = await startHttpReceiver(() => 400);
    stack = await startStack({ yaml: alertingYaml(hook.url) });
    stopFeed = feed(stack, () => 50);
    const client = trpcClient(stack.url, stack.apiToken);
    const id = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0]?.id, { what: 'the alert' });
    const detail = await waitFor(
      async () => {
        const d = await client.alerts.get.query({ id });
        return d.notifications[0]?.state === 'failed' ? d : null;
      },
      { what: 'the failed notification' },
    );
    expect(detail.deliveries.map((d) => d.outcome)).toEqual(['permanent']);
    // Several backoff periods later, still one request.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hook.requests).toHaveLength(1);
  });

  it('keeps the `for` countdown across a worker restart and fires once', async () => {
    hook = await startHttpReceiver();
    stack = await startStack({ yaml: alertingYaml(hook.url).replace('for: 1s', 'for: 3s') });
    stopFeed = feed(stack, () => 50);
    const rows = async () => (await stack!.store.sql.query<{ status: string; pending_since: Date | null }>(`SELECT status, pending_since FROM alert_states`)).rows;
    const pending = await waitFor(async () => (await rows()).find((r) => r.status === 'pending'), { what: 'a pending countdown' });
    const pendingSince = pending.pending_since!.getTime();
    await stack.worker!.stop();
    stack.worker = await stack.startWorker();
    const client = trpcClient(stack.url, stack.apiToken);
    const alert = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0], { what: 'the alert to fire' });
    expect(Date.parse(alert.startedAt)).toBe(pendingSince);
    const detail = await client.alerts.get.query({ id: alert.id });
    const firedAt = Date.parse(detail.events.find((e) => e.type === 'firing')!.at);
    expect(firedAt - pendingSince).toBeGreaterThanOrEqual(3_000);
    await waitFor(() => hook!.requests.length === 1, { what: 'one webhook' });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hook.json<Hook>().map((b) => b.reason)).toEqual(['new']);
    expect(detail.events.filter((e) => e.type === 'firing')).toHaveLength(1);
  });
});

describe('email through a real SMTP server', () => {
  it('mails the alert to every ALERT_TO_EMAIL_n recipient', async () => {
    const sink = await startSmtpSink();
    const hook = await startHttpReceiver();
    const stack = await startStack({
      yaml: alertingYaml(hook.url).replace('channels: [hook]', 'channels: [email]'),
      env: {
        EMAIL_ALERTS_ENABLED: 'true',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.port),
        ALERT_FROM_EMAIL: 'vigia@example.com',
        ALERT_TO_EMAIL_1: 'ops@example.com',
        ALERT_TO_EMAIL_2: 'boss@example.com',
      },
    });
    const stopFeed = feed(stack, () => 42);
    try {
      const client = trpcClient(stack.url, stack.apiToken);
      const alert = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0], { what: 'the alert' });
      const detail = await waitFor(
        async () => {
          const d = await client.alerts.get.query({ id: alert.id });
          return d.notifications[0]?.state === 'delivered' ? d : null;
        },
        { what: 'the mail to be delivered' },
      );
      const mail = await sink.mailFor(detail.notifications[0]!.id);
      // One copy per recipient (their acknowledge links are signed for them).
      const copies = await waitFor(() => (sink.all().length === 2 ? sink.all() : null), { what: 'a copy for each recipient' });
      expect(copies.flatMap((m) => m.rcpt_tos).sort()).toEqual(['boss@example.com', 'ops@example.com']);
      expect(
        detail.deliveries
          .filter((d) => d.outcome === 'delivered')
          .map((d) => d.recipient)
          .sort(),
      ).toEqual(['boss@example.com', 'ops@example.com']);
      expect(mail.headers.subject).toContain('Test Value High');
      expect(mail.text).toContain('test_value is 42 on a');
      expect(mail.html).toContain('Test Value High');
    } finally {
      await stopFeed();
      await stack.stop();
      await hook.close();
      await sink.stop();
    }
  });
});
