import { describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import pagerDutyNotifier from '../src/index.ts';
import { invalid, pagerDutyLike, ROUTING_KEY } from './pagerduty-like.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-pd-1',
  labels: { host: 'a', note: '<b>x</b> & "co"' },
  channel: 'pd',
});

interface Sent {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string; timestamp: string; component: string; group?: string; class: string; custom_details: Record<string, unknown> };
  links?: { href: string; text: string }[];
  client?: string;
  client_url?: string;
}

const notifier = pagerDutyNotifier();
let pagerDuty: ReturnType<typeof pagerDutyLike>;
const server = httpReceiverPerFile(() => {
  pagerDuty = pagerDutyLike();
  return pagerDuty.respond;
});
const deliver = (n: AlertNotification = notification, overrides: Record<string, unknown> = {}) =>
  notifier.send(n, { config: notifier.configSchema!.parse({ routing_key: ROUTING_KEY, url: server.url, ...overrides }), logger: quietLogger, signal: new AbortController().signal });
const sent = () => server.json<Sent>();

describe('pagerduty notifier: events', () => {
  it('triggers with the alert id as dedup_key, a PD-CEF payload, links and custom details', async () => {
    const receipt = await deliver();
    expect(receipt).toEqual({ externalId: 'alt-42', detail: 'trigger: Event processed' });
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v2/enqueue');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers.authorization).toBeUndefined(); // the routing key in the body is the credential
    const [event] = sent();
    expect(event).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'alt-42', client: 'Vigia', client_url: notification.links.alert });
    expect(event!.payload).toMatchObject({
      summary: '[CRITICAL] High CPU Usage (host=a, note=<b>x</b> & "co"): CPU usage above 90% on a (value 93.4568%, threshold > 90%)',
      source: 'a',
      severity: 'critical',
      timestamp: notification.startedAt,
      component: 'cpu_usage',
      class: 'High CPU Usage (firing)',
    });
    expect(event!.payload!.custom_details).toMatchObject({
      value: '93.4568%',
      threshold: '> 90%',
      unit: '%',
      metric: 'cpu_usage',
      labels: notification.labels,
      why: 'New alert: the condition started firing.',
      runbook: notification.runbookUrl,
      description: notification.description,
    });
    expect(event!.links).toEqual([
      { href: notification.links.alert, text: 'Open alert in Vigia' },
      { href: notification.links.acknowledge, text: 'Acknowledge in Vigia' },
      { href: notification.runbookUrl, text: 'Runbook' },
    ]);
    expect(pagerDuty.alerts.get('alt-42')).toEqual({ state: 'triggered', triggers: 1 });
  });

  it('keeps PagerDuty’s alert in step: repeat and escalation re-trigger it, acknowledge and resolve close it', async () => {
    await deliver();
    await deliver({ ...notification, reason: 'repeat' });
    await deliver({ ...notification, reason: 'escalated', severity: 'emergency' });
    expect(pagerDuty.alerts.get('alt-42')).toEqual({ state: 'triggered', triggers: 3 });
    expect(sent()[2]!.payload!.severity).toBe('critical');
    expect(sent()[2]!.payload!.custom_details.vigia_severity).toBe('emergency');

    expect(await deliver({ ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana' })).toEqual({ externalId: 'alt-42', detail: 'acknowledge: Event processed' });
    expect(sent()[3]).toEqual({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'alt-42' });
    expect(pagerDuty.alerts.get('alt-42')!.state).toBe('acknowledged');

    await deliver({ ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    expect(sent()[4]).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'alt-42' });
    expect(pagerDuty.alerts.get('alt-42')!.state).toBe('resolved');
  });

  it('maps info and warning as they are, and takes source and group from the config', async () => {
    await deliver({ ...notification, severity: 'info' }, { source: 'db-1.example.com', group: 'prod-db' });
    await deliver({ ...notification, severity: 'warning', labels: { instance: 'web-3:9100' } });
    await deliver({ ...notification, labels: {} });
    const [info, warning, bare] = sent();
    expect(info!.payload).toMatchObject({ severity: 'info', source: 'db-1.example.com', group: 'prod-db' });
    expect(warning!.payload).toMatchObject({ severity: 'warning', source: 'web-3:9100' });
    expect(bare!.payload!.source).toBe('vigia');
  });

  it('puts the channel template text in the summary', async () => {
    await deliver({ ...notification, message: 'CPU on a at 93%: see runbook' });
    expect(sent()[0]!.payload!.summary).toBe('CPU on a at 93%: see runbook');
  });

  it('gives each test send its own dedup_key, and leaves out links that are not http(s)', async () => {
    const test = {
      ...notification,
      reason: 'test' as const,
      alertId: 'test',
      severity: 'info' as const,
      notificationId: 'test.1.pd',
      runbookUrl: 'javascript:alert(1)',
      links: { alert: 'https://vigia.example.com' },
    };
    expect((await deliver(test))?.externalId).toBe('vigia-test-test.1.pd');
    expect(sent()[0]!.links).toEqual([{ href: 'https://vigia.example.com', text: 'Open alert in Vigia' }]);
    expect(sent()[0]!.payload!.custom_details.why).toContain('Test notification');
  });

  it('keeps the summary within 1024 characters', async () => {
    await deliver({ ...notification, summary: 'x'.repeat(5000) });
    expect(sent()[0]!.payload!.summary.length).toBe(1024);
    expect(server.requests[0]!.status).toBe(202);
  });
});

describe('pagerduty notifier: failures', () => {
  it('honours Retry-After on a 429, then delivers', async () => {
    server.setResponder((req, index) =>
      index === 0
        ? {
            status: 429,
            headers: { 'retry-after': '12', 'content-type': 'application/json' },
            body: JSON.stringify({ status: 'throttle event', message: 'Requests for this service are arriving too quickly.  Please retry later.' }),
          }
        : pagerDuty.respond(req),
    );
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(12_000);
    expect(error.message).toContain('arriving too quickly');
    await deliver();
    expect(server.requests.map((r) => r.status)).toEqual([429, 202]);
  });

  it('waits a minute on a 429 without Retry-After, as PagerDuty asks for a backoff of minutes', async () => {
    server.setResponder(() => ({ status: 429, body: '{"status":"throttle event","message":"Requests for this service are arriving too quickly."}' }));
    const error = await failureOf(deliver());
    expect((error as RetryableError).retryAfterMs).toBe(60_000);
  });

  it('treats 5xx as retryable', async () => {
    server.setResponder(() => 503);
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('stops at once on 400, with PagerDuty’s errors and without the routing key', async () => {
    const error = await failureOf(deliver(notification, { routing_key: 'Z'.repeat(32) }));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe('PagerDuty Events API: HTTP 400: Event object is invalid: Invalid routing key');
    server.setResponder(() => invalid("'payload.summary' is missing or blank"));
    const other = await failureOf(deliver());
    expect(other.message).toContain("'payload.summary' is missing or blank");
    expect(other.message).not.toContain(ROUTING_KEY);
    expect(server.requests).toHaveLength(2);
  });

  it.each([401, 403, 404])('treats %i as permanent', async (status) => {
    server.setResponder(() => status);
    expect(isPermanentError(await failureOf(deliver()))).toBe(true);
  });
});

describe('pagerduty notifier: config', () => {
  const schema = notifier.configSchema!;
  const problems = (input: Record<string, unknown>) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('declares the routing key secret and fills defaults', () => {
    expect(notifier.name).toBe('pagerduty');
    expect(notifier.secrets).toEqual(['routing_key']);
    expect(schema.parse({ routing_key: ROUTING_KEY })).toEqual({ routing_key: ROUTING_KEY, url: 'https://events.pagerduty.com', timeout_ms: 10_000 });
  });

  it('names the key and the problem', () => {
    expect(problems({})).toEqual(['routing_key: required: the 32-character Integration Key of an Events API v2 integration']);
    expect(problems({ routing_key: 'short-secret' })).toEqual(['routing_key: not an Events API v2 Integration Key: it is 32 letters and digits']);
    expect(problems({ routing_key: ROUTING_KEY, url: 'events.pagerduty.com' })).toEqual(['url: must be an http(s) URL such as https://events.pagerduty.com']);
  });
});

describe('pagerduty notifier: preview', () => {
  it('previews the event send posts, dedup_key = alert id, with the routing key masked', async () => {
    const preview = notifier.preview!(notification, notifier.configSchema!.parse({ routing_key: ROUTING_KEY, url: server.url }));
    expect(preview).toMatchObject({ format: 'json', title: 'Events API v2: trigger' });
    expect(preview.body).not.toContain(ROUTING_KEY);
    await deliver();
    const shown = JSON.parse(preview.body) as Sent;
    expect(shown.dedup_key).toBe(notification.alertId);
    expect(shown.routing_key).toBe('***');
    expect(shown).toEqual({ ...sent()[0]!, routing_key: '***' });
  });

  it('previews an acknowledgement as the acknowledge event by the same key', () => {
    const preview = notifier.preview!({ ...notification, reason: 'acknowledged', status: 'acknowledged' }, notifier.configSchema!.parse({ routing_key: ROUTING_KEY }));
    expect(JSON.parse(preview.body)).toEqual({ routing_key: '***', event_action: 'acknowledge', dedup_key: 'alt-42' });
  });
});
