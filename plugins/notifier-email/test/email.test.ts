import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import emailNotifier from '../src/index.ts';
import { freePort, startSilentServer, startSmtpSink, waitFor } from '@vigia/testing';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-email-1',
  value: 93.5,
  durationSeconds: 312,
  description: 'Sustained CPU load.\nCheck the batch jobs.',
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/alerts/alt-42/ack?token=t&x=1',
    silence: 'https://vigia.example.com/silences/new?alert=alt-42',
  },
  channel: 'email',
  unit: undefined,
});

const notifier = emailNotifier();
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let sequence = 0;

/** The fixture with a fresh notification id, so each test finds its own mail in the sink. */
const fresh = (overrides: Partial<AlertNotification> = {}): AlertNotification => ({ ...notification, notificationId: `ntf-${++sequence}-${Date.now()}`, ...overrides });

const baseConfig = () => ({ host: '127.0.0.1', port: sink.port, from: 'alerts@vigia.example.com', to: ['ops@example.com'] });

function deliver(config: Record<string, unknown>, n: AlertNotification, signal = new AbortController().signal) {
  return notifier.send(n, { config: notifier.configSchema!.parse(config), logger: quietLogger, signal });
}

beforeAll(async () => {
  sink = await startSmtpSink();
}, 30_000);
afterAll(() => sink?.stop());

describe('email notifier: delivery', () => {
  it('sends a text and HTML mail that says what fired and why', async () => {
    const n = fresh();
    const receipt = await deliver(baseConfig(), n);
    const mail = await sink.mailFor(n.notificationId);

    expect(mail.headers.subject).toBe('[Vigia] CRITICAL firing: High CPU Usage (host=a)');
    expect(mail.headers.from).toBe('alerts@vigia.example.com');
    expect(mail.headers.to).toBe('ops@example.com');
    expect(mail.mail_from).toBe('alerts@vigia.example.com');
    expect(mail.rcpt_tos).toEqual(['ops@example.com']);
    expect(mail.content_types).toEqual(expect.arrayContaining(['multipart/alternative', 'text/plain', 'text/html']));
    expect(mail.headers['x-vigia-notification-id']).toBe(n.notificationId);
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    // The Message-ID is derived from the notification id, so a retried send repeats it.
    expect(mail.headers['message-id']).toBe(`<vigia.${n.notificationId}@vigia.example.com>`);
    expect(receipt?.externalId).toBe(mail.headers['message-id']);
    expect(receipt?.detail).toContain('250');
    expect(mail.headers.references).toBe('<vigia.episode.ep-7@vigia.example.com>');

    const text = mail.text!;
    expect(text).toContain('[CRITICAL] High CPU Usage');
    expect(text).toContain('New alert: the condition started firing.');
    expect(text).toMatch(/Value:\s+93\.5/);
    expect(text).toMatch(/Threshold:\s+> 90/);
    expect(text).toMatch(/Status:\s+firing \(reason: new\)/);
    expect(text).toMatch(/Labels:\s+host=a/);
    expect(text).toMatch(/Duration:\s+5m 12s/);
    expect(text).toMatch(/Started:\s+2026-01-15T10:00:00.000Z/);
    expect(text).toContain('Sustained CPU load.');
    expect(text).toContain(n.links.alert!);
    expect(text).toContain(n.links.acknowledge!);
    expect(text).toContain(n.links.silence!);
    expect(text).toContain(n.runbookUrl!);

    const html = mail.html!;
    expect(html).toContain('High CPU Usage');
    expect(html).toContain('93.5');
    expect(html).toContain('&gt; 90');
    expect(html).toContain('Sustained CPU load.<br>Check the batch jobs.');
    expect(html).toContain(`href="${n.links.alert}"`);
    expect(html).toContain('href="https://vigia.example.com/alerts/alt-42/ack?token=t&amp;x=1"');
    expect(html).toContain(`href="${n.links.silence}"`);
    expect(html).toContain(`href="${n.runbookUrl}"`);
  });

  it('escapes alert text in the HTML body', async () => {
    const n = fresh({ labels: { host: '<script>alert("x")</script>' }, summary: 'a & b', runbookUrl: 'javascript:alert(1)' });
    await deliver(baseConfig(), n);
    const mail = await sink.mailFor(n.notificationId);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('host=&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('a &amp; b');
    expect(mail.html).not.toContain('href="javascript:');
    // Plain text has nothing to escape; the value arrives as written.
    expect(mail.text).toContain('host=<script>alert("x")</script>');
  });

  it('tells a resolved alert apart and drops the links that no longer apply', async () => {
    const n = fresh({ reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T10:05:12.000Z' });
    await deliver({ ...baseConfig(), subject_prefix: '[Prod]', to: ['ops@example.com', 'oncall@example.com'] }, n);
    const mail = await sink.mailFor(n.notificationId);
    expect(mail.headers.subject).toBe('[Prod] CRITICAL resolved: High CPU Usage (host=a)');
    expect(mail.rcpt_tos).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(mail.text).toContain('Resolved after 5m 12s.');
    expect(mail.text).toMatch(/Resolved:\s+2026-01-15T10:05:12.000Z/);
    expect(mail.text).not.toContain(n.links.acknowledge!);
    expect(mail.html).not.toContain('Acknowledge');
  });

  it('delivers to the accepted recipients and reports the refused ones', async () => {
    const n = fresh();
    const receipt = await deliver({ ...baseConfig(), to: ['ops@example.com', 'rejected@example.com'] }, n);
    const mail = await sink.mailFor(n.notificationId);
    expect(mail.rcpt_tos).toEqual(['ops@example.com']);
    expect(receipt?.detail).toContain('refused: rejected@example.com');
  });
});

describe('email notifier: failures', () => {
  it('treats a refused connection as retryable and names the server and the cause', async () => {
    const port = await freePort();
    const error = await failureOf(deliver({ ...baseConfig(), port }, fresh()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe(`could not connect to SMTP server 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });

  it('says TLS failed, with host:port, when the server does not speak TLS', async () => {
    const error = await failureOf(deliver({ ...baseConfig(), secure: true }, fresh()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toMatch(new RegExp(`^TLS with SMTP server 127\\.0\\.0\\.1:${sink.port} failed \\(ERR_SSL_`));
  });

  it('treats a 550 for the recipient as permanent', async () => {
    const error = await failureOf(deliver({ ...baseConfig(), to: ['rejected@example.com'] }, fresh()));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toContain(`SMTP server 127.0.0.1:${sink.port} replied 550 after RCPT`);
  });

  it('treats a 451 for the recipient as retryable', async () => {
    const error = await failureOf(deliver({ ...baseConfig(), to: ['busy@example.com'] }, fresh()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
    expect(error.message).toContain('451');
  });

  it('gives up on a server that accepts and never greets after timeout_ms, and says so with host:port', async () => {
    const silent = await startSilentServer();
    try {
      const error = await failureOf(deliver({ ...baseConfig(), port: silent.port, timeout_ms: 300 }, fresh()));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toBe(`SMTP server 127.0.0.1:${silent.port} accepted the connection but sent no greeting within 300 ms`);
      await waitFor(() => silent.dropped() === 1, { what: 'the client to close the connection' });
    } finally {
      await silent.stop();
    }
  });

  it('stops the SMTP session when the host aborts', async () => {
    const silent = await startSilentServer();
    try {
      const controller = new AbortController();
      const sending = failureOf(deliver({ ...baseConfig(), port: silent.port }, fresh(), controller.signal));
      await waitFor(() => silent.connections() === 1, { what: 'the client to connect' });
      controller.abort();
      const error = await sending;
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.message).toBe(`SMTP delivery to 127.0.0.1:${silent.port} aborted by the host`);
      await waitFor(() => silent.dropped() === 1, { what: 'the client to close the connection' });
    } finally {
      await silent.stop();
    }
  });
});

describe('email notifier: config', () => {
  it('declares its secret and validates its options', () => {
    expect(notifier.name).toBe('email');
    expect(notifier.secrets).toEqual(['password']);
    const schema = notifier.configSchema!;
    expect(schema.parse({ host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] })).toEqual({
      host: 'smtp.example.com',
      port: 587,
      from: 'a@example.com',
      to: ['b@example.com'],
      subject_prefix: '[Vigia]',
      timeout_ms: 10_000,
    });
    expect(schema.safeParse({ host: 'smtp.example.com', from: 'a@example.com', to: [] }).success).toBe(false);
    expect(schema.safeParse({ host: 'smtp.example.com', from: 'not-an-address', to: ['b@example.com'] }).success).toBe(false);
  });
});
