import { createHmac, timingSafeEqual } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import webhookNotifier from '../src/index.ts';
import { labelsFingerprint } from '../src/fingerprint.ts';
import { freePort, waitFor } from '@vigia/testing';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-webhook-1',
  labels: { host: 'a', region: 'eu-west' },
  value: 93.5,
  durationSeconds: 312,
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/alerts/alt-42/ack?token=t',
    silence: 'https://vigia.example.com/silences/new?alert=alt-42',
  },
  channel: 'webhook',
  unit: undefined,
});

const notifier = webhookNotifier();

/** Validates the config with the plugin's schema and sends, the way the worker does. */
function deliver(config: Record<string, unknown>, n: AlertNotification = notification, signal = new AbortController().signal) {
  return notifier.send(n, { config: notifier.configSchema!.parse(config), logger: quietLogger, signal });
}

const receiver = httpReceiverPerFile(() => () => ({ status: 200, body: '{"ok":true}' }));
let hookUrl: string;
beforeAll(() => {
  hookUrl = `${receiver.url}/hook`;
});

describe('webhook notifier: vigia format', () => {
  it('posts the notification as JSON with the bearer token and notification id', async () => {
    const receipt = await deliver({ url: hookUrl, auth_token: 's3cret', headers: { 'X-Team': 'ops', 'Content-Type': 'text/plain' } });
    expect(receipt).toEqual({ detail: 'HTTP 200' });
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/hook');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers.authorization).toBe('Bearer s3cret');
    expect(req!.headers['x-team']).toBe('ops');
    expect(req!.headers['x-vigia-notification-id']).toBe(notification.notificationId);
    expect(req!.headers['x-vigia-signature']).toBeUndefined();
    expect(JSON.parse(req!.body)).toEqual({
      version: 1,
      status: 'firing',
      reason: 'new',
      notificationId: notification.notificationId,
      episodeId: 'ep-7',
      alertId: 'alt-42',
      alert: {
        rule: 'High CPU Usage',
        severity: 'critical',
        metric: 'cpu_usage',
        labels: { host: 'a', region: 'eu-west' },
        value: 93.5,
        threshold: 90,
        operator: '>',
        startedAt: notification.startedAt,
        durationSeconds: 312,
        summary: notification.summary,
        description: notification.description,
        runbookUrl: notification.runbookUrl,
      },
      links: notification.links,
    });
  });

  it('sends no Authorization header without a token', async () => {
    await deliver({ url: hookUrl });
    expect(receiver.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256 so the receiver can verify it', async () => {
    const secret = 'whsec-test-key';
    await deliver({ url: hookUrl, signing_secret: secret });
    const [req] = receiver.requests;
    const timestamp = req!.headers['x-vigia-timestamp'] as string;
    const signature = req!.headers['x-vigia-signature'] as string;
    expect(timestamp).toMatch(/^\d+$/);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${req!.body}`).digest('hex')}`;
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
    const forged = `sha256=${createHmac('sha256', 'another-key').update(`${timestamp}.${req!.body}`).digest('hex')}`;
    expect(signature).not.toBe(forged);
  });
});

describe('webhook notifier: alertmanager format', () => {
  it('sends an Alertmanager v4 payload while firing', async () => {
    await deliver({ url: hookUrl, format: 'alertmanager' });
    const body = JSON.parse(receiver.requests[0]!.body);
    const labels = { alertname: 'High CPU Usage', host: 'a', region: 'eu-west', severity: 'critical' };
    const annotations = { summary: notification.summary, description: notification.description, runbook_url: notification.runbookUrl };
    expect(body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="High CPU Usage", host="a", region="eu-west", severity="critical"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'vigia',
      groupLabels: labels,
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: 'https://vigia.example.com',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations,
          startsAt: '2026-01-15T10:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: notification.links.alert,
          fingerprint: labelsFingerprint(labels),
        },
      ],
    });
    expect(receiver.requests[0]!.headers['x-vigia-notification-id']).toBe(notification.notificationId);
  });

  it('maps acknowledged to firing and resolved to resolved with endsAt', async () => {
    await deliver({ url: hookUrl, format: 'alertmanager' }, { ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana' });
    const resolvedAt = '2026-01-15T10:20:00.000Z';
    await deliver({ url: hookUrl, format: 'alertmanager' }, { ...notification, reason: 'resolved', status: 'resolved', resolvedAt });
    const [acked, resolved] = receiver.requests.map((r) => JSON.parse(r.body));
    expect(acked.status).toBe('firing');
    expect(acked.alerts[0].status).toBe('firing');
    expect(acked.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: resolvedAt });
    // Same label set, same alert: receivers correlate firing and resolved by fingerprint.
    expect(resolved.alerts[0].fingerprint).toBe(acked.alerts[0].fingerprint);
  });

  it("computes fingerprints with Prometheus' algorithm", () => {
    // Test vector from prometheus/common model/signature_test.go (5799056148416392346).
    expect(labelsFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(5799056148416392346n.toString(16));
    expect(labelsFingerprint({})).toBe(14695981039346656037n.toString(16));
  });
});

describe('webhook notifier: failures', () => {
  it('treats 500 as retryable', async () => {
    receiver.setResponder(() => ({ status: 500, body: 'boom' }));
    const error = await failureOf(deliver({ url: hookUrl }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('HTTP 500');
  });

  it('treats 408 as retryable', async () => {
    receiver.setResponder(() => ({ status: 408 }));
    expect(await failureOf(deliver({ url: hookUrl }))).toBeInstanceOf(RetryableError);
  });

  it('treats 429 as retryable and honours Retry-After', async () => {
    receiver.setResponder(() => ({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }));
    const error = await failureOf(deliver({ url: hookUrl }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
  });

  it('reads a Retry-After date', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    receiver.setResponder(() => ({ status: 503, headers: { 'retry-after': at } }));
    const error = (await failureOf(deliver({ url: hookUrl }))) as RetryableError;
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.retryAfterMs).toBeGreaterThan(60_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('treats 400, 401 and 404 as permanent', async () => {
    for (const status of [400, 401, 404]) {
      receiver.setResponder(() => ({ status, body: 'nope' }));
      const error = await failureOf(deliver({ url: hookUrl }));
      expect(isPermanentError(error), `HTTP ${status}`).toBe(true);
      expect(error.message).toContain(`HTTP ${status}`);
    }
  });

  it('does not follow redirects', async () => {
    receiver.setResponder(() => ({ status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    expect(isPermanentError(await failureOf(deliver({ url: hookUrl })))).toBe(true);
    expect(receiver.requests).toHaveLength(1);
  });

  it('treats a refused connection as retryable', async () => {
    const port = await freePort();
    const error = await failureOf(deliver({ url: `http://127.0.0.1:${port}/hook` }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up on a receiver that never answers after timeout_ms', async () => {
    receiver.setResponder(() => 'hang');
    const error = await failureOf(deliver({ url: hookUrl, timeout_ms: 200 }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('no response within 200 ms');
    await waitFor(() => receiver.requests[0]?.abandoned, { what: 'the client to drop the request' });
  });

  it('stops the request when the host aborts', async () => {
    receiver.setResponder(() => 'hang');
    const controller = new AbortController();
    const sending = failureOf(deliver({ url: hookUrl }, notification, controller.signal));
    await waitFor(() => receiver.requests.length === 1, { what: 'the request to arrive' });
    controller.abort();
    const error = await sending;
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('aborted');
    await waitFor(() => receiver.requests[0]!.abandoned, { what: 'the client to drop the request' });
  });
});

describe('webhook notifier: config', () => {
  it('declares its secrets and validates its options', () => {
    expect(notifier.secrets).toEqual(['auth_token', 'signing_secret']);
    const schema = notifier.configSchema!;
    expect(schema.parse({ url: 'https://example.com/hook' })).toEqual({ url: 'https://example.com/hook', format: 'vigia', timeout_ms: 10_000 });
    expect(schema.safeParse({ url: 'ftp://example.com/hook' }).success).toBe(false);
    expect(schema.safeParse({ url: 'https://example.com', format: 'pagerduty' }).success).toBe(false);
    expect(schema.safeParse({ url: 'https://example.com', headers: { 'Bad Header': 'x' } }).success).toBe(false);
    expect(schema.safeParse({ url: 'https://example.com', headers: { 'X-Ok': 'a\r\nInjected: 1' } }).success).toBe(false);
  });
});
