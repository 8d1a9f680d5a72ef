import { describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import opsgenieNotifier from '../src/index.ts';
import { API_KEY, opsgenieLike, throttled, unprocessable } from './opsgenie-like.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-og-1',
  labels: { host: 'a', note: '<b>x</b> & "co"' },
  channel: 'og',
});

interface Sent {
  message?: string;
  alias?: string;
  description?: string;
  responders?: unknown[];
  tags?: string[];
  details?: Record<string, string>;
  entity?: string;
  source?: string;
  priority?: string;
  user?: string;
  note?: string;
}

const notifier = opsgenieNotifier();
let opsgenie: ReturnType<typeof opsgenieLike>;
const server = httpReceiverPerFile(() => {
  opsgenie = opsgenieLike();
  return opsgenie.respond;
});
const deliver = (n: AlertNotification = notification, overrides: Record<string, unknown> = {}) =>
  notifier.send(n, { config: notifier.configSchema!.parse({ api_key: API_KEY, url: server.url, ...overrides }), logger: quietLogger, signal: new AbortController().signal });
const sent = () => server.json<Sent>();

describe('opsgenie notifier: alerts', () => {
  it('creates an alert with alias = alert id, priority from severity, GenieKey auth, details and links', async () => {
    const receipt = await deliver(notification, { responders: [{ type: 'team', name: 'ops' }], tags: ['prod'], entity: 'billing' });
    expect(receipt).toEqual({ externalId: 'req-1', detail: 'create: Request will be processed' });
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v2/alerts');
    expect(req!.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    const [alert] = sent();
    expect(alert).toMatchObject({
      alias: 'alt-42',
      priority: 'P2',
      source: 'Vigia',
      entity: 'billing',
      responders: [{ type: 'team', name: 'ops' }],
      tags: ['vigia', 'critical', 'prod'],
      note: 'New alert: the condition started firing.',
    });
    expect(alert!.message!.length).toBeLessThanOrEqual(130);
    expect(alert!.message).toMatch(/^\[CRITICAL\] High CPU Usage \(host=a/);
    expect(alert!.description).toContain('CPU usage above 90% on a\nNew alert: the condition started firing.');
    expect(alert!.description).toContain('Value: 93.4568% (threshold > 90%)');
    expect(alert!.description).toContain(`Acknowledge in Vigia: ${notification.links.acknowledge}`);
    expect(alert!.description).toContain(`Runbook: ${notification.runbookUrl}`);
    expect(alert!.details).toMatchObject({
      value: '93.4568%',
      threshold: '> 90%',
      unit: '%',
      metric: 'cpu_usage',
      'label.host': 'a',
      vigia_alert: notification.links.alert,
      runbook: notification.runbookUrl,
    });
    expect(opsgenie.alerts.get('alt-42')).toMatchObject({ status: 'open', count: 1, priority: 'P2' });
  });

  it('maps every severity to a priority', async () => {
    for (const severity of ['emergency', 'critical', 'warning', 'info'] as const) await deliver({ ...notification, severity, alertId: `alt-${severity}` });
    expect(sent().map((a) => [a.alias, a.priority])).toEqual([
      ['alt-emergency', 'P1'],
      ['alt-critical', 'P2'],
      ['alt-warning', 'P3'],
      ['alt-info', 'P5'],
    ]);
  });

  it('follows the Vigia alert: repeats count on the open alert, acknowledge and close go by alias', async () => {
    await deliver();
    await deliver({ ...notification, reason: 'escalated' });
    expect(opsgenie.alerts.get('alt-42')).toMatchObject({ status: 'open', count: 2 });
    expect(sent()[1]!.note).toContain('Escalated: still firing after 1h 2m');

    const ack = await deliver({ ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    expect(ack?.detail).toBe('acknowledge: Request will be processed');
    expect(server.requests[2]!.path).toBe('/v2/alerts/alt-42/acknowledge?identifierType=alias');
    expect(sent()[2]).toEqual({ user: 'ana', source: 'Vigia', note: 'Acknowledged in Vigia by ana: on it' });
    expect(opsgenie.alerts.get('alt-42')!.acknowledged).toBe(true);

    await deliver({ ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    expect(server.requests[3]!.path).toBe('/v2/alerts/alt-42/close?identifierType=alias');
    expect(sent()[3]).toEqual({ user: 'Vigia', source: 'Vigia', note: 'Resolved in Vigia after 1h 2m.' });
    expect(opsgenie.alerts.get('alt-42')!.status).toBe('closed');
  });

  it('encodes an alias with URL characters in the acknowledge path', async () => {
    const odd = { ...notification, alertId: 'rule/a b?c' };
    await deliver(odd);
    await deliver({ ...odd, reason: 'acknowledged', status: 'acknowledged' });
    expect(server.requests[1]!.path).toBe('/v2/alerts/rule%2Fa%20b%3Fc/acknowledge?identifierType=alias');
    expect(opsgenie.alerts.get('rule/a b?c')!.acknowledged).toBe(true);
  });

  it('uses the channel template as the description text, and gives each test send its own alias', async () => {
    await deliver({ ...notification, message: 'CPU on a at 93%' });
    expect(sent()[0]!.description).toMatch(/^CPU on a at 93%\n\nValue: /);
    await deliver({ ...notification, reason: 'test', alertId: 'test', severity: 'info', notificationId: 'test.1.og' });
    expect(sent()[1]).toMatchObject({ alias: 'vigia-test-test.1.og', priority: 'P5', tags: ['vigia', 'info', 'test'] });
  });
});

describe('opsgenie notifier: failures', () => {
  it('waits out the throttled bucket (X-RateLimit-Period-In-Sec), then delivers', async () => {
    server.setResponder((req, index) => (index === 0 ? throttled(60) : opsgenie.respond(req)));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(60_000);
    expect(error.message).toBe('Opsgenie create: HTTP 429: TooManyRequests');
    await deliver();
    expect(server.requests.map((r) => r.status)).toEqual([429, 202]);
  });

  it('prefers Retry-After when Opsgenie sends one', async () => {
    server.setResponder(() => ({ status: 429, headers: { 'retry-after': '3', 'x-ratelimit-period-in-sec': '60' }, body: '{"message":"TooManyRequests"}' }));
    expect(((await failureOf(deliver())) as RetryableError).retryAfterMs).toBe(3000);
  });

  it('treats 5xx as retryable', async () => {
    server.setResponder(() => 500);
    expect(await failureOf(deliver())).toBeInstanceOf(RetryableError);
  });

  it('stops at once on a wrong key (401), never showing the key', async () => {
    const error = await failureOf(deliver(notification, { api_key: '00000000-0000-0000-0000-000000000000' }));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe('Opsgenie create: HTTP 401: Could not authenticate');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once on 422, naming the field Opsgenie refused', async () => {
    server.setResponder(() => unprocessable({ message: 'Message can not be empty.' }));
    const error = await failureOf(deliver());
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe('Opsgenie create: HTTP 422: Request body is not processable. Please check the errors. (message: Message can not be empty.)');
    expect(error.message).not.toContain(API_KEY);
  });

  it.each([400, 403, 404])('treats %i as permanent', async (status) => {
    server.setResponder(() => status);
    expect(isPermanentError(await failureOf(deliver()))).toBe(true);
  });
});

describe('opsgenie notifier: config', () => {
  const schema = notifier.configSchema!;
  const problems = (input: Record<string, unknown>) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('declares the key secret and defaults to the US API', () => {
    expect(notifier.name).toBe('opsgenie');
    expect(notifier.secrets).toEqual(['api_key']);
    expect(schema.parse({ api_key: API_KEY })).toEqual({ api_key: API_KEY, url: 'https://api.opsgenie.com', timeout_ms: 10_000 });
    expect(schema.parse({ api_key: API_KEY, url: 'https://api.eu.opsgenie.com' }).url).toBe('https://api.eu.opsgenie.com');
  });

  it('names the key and the problem', () => {
    expect(problems({})).toEqual(['api_key: required: the API key of an Opsgenie API integration']);
    expect(problems({ api_key: 'secret-value' })).toEqual(['api_key: not an Opsgenie API key: it looks like 01234567-89ab-cdef-0123-456789abcdef']);
    expect(problems({ api_key: API_KEY, url: 'not a url' })).toEqual(['url: must be an http(s) URL such as https://api.opsgenie.com']);
    expect(problems({ api_key: API_KEY, responders: [{ type: 'team' }] })).toEqual(['responders.0: give id, or name (username for a user)']);
    expect(problems({ api_key: API_KEY, responders: [{ type: 'group', name: 'x' }] })[0]).toMatch(/^responders\.0\.type: /);
  });
});
