import { describe, expect, it } from 'vitest';
import { buildChannels } from '@vigia/alerting';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification, type Notifier } from '@vigia/plugin-sdk';
import { configProblems, loadYamlConfig, startHttpReceiver } from '@vigia/testing';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import pushoverNotifier from '../src/index.ts';

const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-pushover-1',
  value: 93.5,
  durationSeconds: 312,
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/act/abc?x=1&y=2',
    silence: 'https://vigia.example.com/act/def',
  },
  channel: 'phone',
  description: undefined,
});

const notifier = pushoverNotifier() as Notifier<unknown>;

const receiver = httpReceiverPerFile(() => ok);
const ok = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 1, request: 'req-1' }) });

function deliver(n: AlertNotification = notification, extra: Record<string, unknown> = {}) {
  const config = notifier.configSchema!.parse({ url: receiver.url, token: TOKEN, user: USER, ...extra });
  return notifier.send(n, { config, logger: quietLogger, signal: new AbortController().signal });
}

const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('pushover notifier: messages', () => {
  it('posts the documented JSON to /1/messages.json: priority by severity, HTML body, alert link, escaped ack link', async () => {
    const receipt = await deliver();
    expect(receipt).toEqual({ externalId: 'req-1', detail: 'request req-1' });
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/1/messages.json');
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(req!.body)).toEqual({
      token: TOKEN,
      user: USER,
      title: 'CRITICAL firing: High CPU Usage',
      message: [
        '<font color="#e53935"><b>CRITICAL</b></font> · firing (new)',
        'CPU usage above 90% on a',
        'New alert: the condition started firing.',
        '',
        'Value: <b>93.5%</b> (threshold &gt; 90%)',
        'Metric: cpu_usage {host=a}',
        'Duration: 5m 12s',
        '',
        '<a href="https://vigia.example.com/act/abc?x=1&amp;y=2"><b>Acknowledge</b></a> · <a href="https://runbooks.example.com/cpu">Runbook</a>',
      ].join('\n'),
      html: 1,
      priority: 1,
      url: 'https://vigia.example.com/alerts/alt-42',
      url_title: 'Open in Vigia',
    });
  });

  it('maps severities to priorities (info quiet, tests normal) and honours configured priorities', async () => {
    await deliver({ ...notification, severity: 'info' });
    await deliver({ ...notification, severity: 'warning' });
    await deliver({ ...notification, severity: 'info', reason: 'test' });
    await deliver({ ...notification, severity: 'warning' }, { priorities: { warning: 1 }, device: 'pixel,ipad', sound: 'siren' });
    expect(bodies().map((b) => b.priority)).toEqual([-1, 0, 0, 1]);
    expect(bodies()[3]).toMatchObject({ device: 'pixel,ipad', sound: 'siren' });
    expect(bodies()[2]!.title).toBe('Vigia test · High CPU Usage');
  });

  it('sends an emergency with retry, expire and the alert tag, and keeps its receipt', async () => {
    receiver.setResponder(() => ({ status: 200, body: JSON.stringify({ status: 1, request: 'req-2', receipt: 'rLqVuqTRh62UzxtmqiaLzQmVcPgiCy' }) }));
    const receipt = await deliver({ ...notification, severity: 'emergency' }, { retry: 30, expire: 1800 });
    expect(receipt).toEqual({ externalId: 'rLqVuqTRh62UzxtmqiaLzQmVcPgiCy', detail: 'emergency receipt rLqVuqTRh62UzxtmqiaLzQmVcPgiCy' });
    expect(bodies()[0]).toMatchObject({ priority: 2, retry: 30, expire: 1800, tags: 'vigia-alt-42' });
  });

  it('on resolve: cancels the alert’s emergency repeats first, then says so quietly, without an ack link', async () => {
    receiver.setResponder((req) => (req.path.includes('cancel_by_tag') ? { status: 200, body: JSON.stringify({ status: 1, canceled: 2, request: 'c-1' }) } : ok()));
    const receipt = await deliver({ ...notification, severity: 'emergency', reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T10:05:12.000Z' });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/1/receipts/cancel_by_tag/vigia-alt-42.json', '/1/messages.json']);
    expect(bodies()[0]).toEqual({ token: TOKEN });
    const message = bodies()[1]!;
    expect(message).toMatchObject({ priority: 0, title: 'EMERGENCY resolved: High CPU Usage' });
    expect(message.retry).toBeUndefined();
    expect(message.message).toContain('<font color="#43a047"><b>EMERGENCY</b></font> · resolved (resolved)');
    expect(message.message).toContain('Resolved after 5m 12s.');
    expect(message.message).not.toContain('Acknowledge');
    expect(receipt).toMatchObject({ detail: 'request req-1; emergency repeats cancelled: 2' });
  });

  it('still announces the resolution when Pushover refuses the cancellation', async () => {
    receiver.setResponder((req) => (req.path.includes('cancel_by_tag') ? { status: 400, body: JSON.stringify({ status: 0, errors: ['tag not found'] }) } : ok()));
    await deliver({ ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana' });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/1/receipts/cancel_by_tag/vigia-alt-42.json', '/1/messages.json']);
    expect(bodies()[1]!.message).toContain('Acknowledged by ana.');
  });

  it('uses the channel’s template text instead of its own wording, keeping facts and links', async () => {
    await deliver({ ...notification, message: 'CPU <hot> on a: call Ana' });
    const text = bodies()[0]!.message as string;
    expect(text).toContain('CPU &lt;hot&gt; on a: call Ana');
    expect(text).not.toContain('New alert');
    expect(text).toContain('Value: <b>93.5%</b>');
    expect(text).toContain('<b>Acknowledge</b>');
  });

  it('escapes alert text and keeps the message within 1024 characters', async () => {
    await deliver({ ...notification, labels: { host: '<script>' }, summary: 'x&'.repeat(800), description: 'd'.repeat(2000) });
    const text = bodies()[0]!.message as string;
    expect(text).toContain('{host=&lt;script&gt;}');
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text).toContain('<b>Acknowledge</b>');
  });
});

describe('pushover notifier: paging one on-call person', () => {
  it('sends a page to the person’s own user key (all their devices), with the channel’s application token', async () => {
    const ANA = 'gznej3rKEVAvPUxu9vvNnqpmZpokzF';
    await deliver({ ...notification, reason: 'escalated', recipient: ANA }, { device: 'team-phone' });
    const [body] = bodies();
    expect(body).toMatchObject({ token: TOKEN, user: ANA });
    expect(body!.device).toBeUndefined();
  });
});

describe('pushover notifier: failures', () => {
  it('answers 429 with the message-limit reset as the retry delay, then delivers on the next attempt', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    receiver.setResponder((_, i) =>
      i === 0
        ? {
            status: 429,
            headers: { 'x-limit-app-limit': '10000', 'x-limit-app-remaining': '0', 'x-limit-app-reset': String(reset) },
            body: JSON.stringify({ status: 0, errors: ['application is over its monthly message limit'] }),
          }
        : ok(),
    );
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('application is over its monthly message limit');
    expect(error.message).toContain(new Date(reset * 1000).toISOString());
    const delay = (error as RetryableError).retryAfterMs!;
    expect(delay).toBeGreaterThan(60_000);
    expect(delay).toBeLessThanOrEqual(120_000);
    expect(await deliver()).toMatchObject({ externalId: 'req-1' });
    expect(receiver.requests).toHaveLength(2);
  });

  it('prefers Retry-After when Pushover sends one', async () => {
    receiver.setResponder(() => ({ status: 429, headers: { 'retry-after': '7' }, body: '{"status":0}' }));
    expect(((await failureOf(deliver())) as RetryableError).retryAfterMs).toBe(7000);
  });

  it('stops at once on 400 / 401, naming Pushover’s errors and never the token', async () => {
    receiver.setResponder(() => ({ status: 400, body: JSON.stringify({ user: 'invalid', errors: ['user identifier is not a valid user, group, or subscribed user key'], status: 0, request: 'r' }) }));
    const refused = await failureOf(deliver());
    expect(isPermanentError(refused)).toBe(true);
    expect(refused.message).toBe('Pushover refused the request (HTTP 400): user identifier is not a valid user, group, or subscribed user key');
    receiver.setResponder(() => ({ status: 401, body: JSON.stringify({ token: 'invalid', errors: ['application token is invalid'], status: 0 }) }));
    const unauthorised = await failureOf(deliver());
    expect(isPermanentError(unauthorised)).toBe(true);
    expect(unauthorised.message).toContain('application token is invalid');
    expect(unauthorised.message).not.toContain(TOKEN);
  });

  it('retries a 5xx and a refused connection', async () => {
    receiver.setResponder(() => ({ status: 503, body: 'unavailable' }));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
    const gone = await startHttpReceiver();
    await gone.close();
    const config = notifier.configSchema!.parse({ url: gone.url, token: TOKEN, user: USER });
    const refused = await failureOf(notifier.send(notification, { config, logger: quietLogger, signal: new AbortController().signal }));
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused.message).toContain('ECONNREFUSED');
  });
});

describe('pushover notifier: settings', () => {
  const channels = (yaml: string) => buildChannels(loadYamlConfig(yaml), new Map([['pushover', notifier]]));
  const problems = (yaml: string) => configProblems(() => channels(yaml), 'monitoring.yaml');

  it('stops the start naming the channel, the key and the problem', () => {
    expect(problems(`channels:\n  phone: { type: pushover, user: ${USER} }\n`)).toEqual(['channels.phone.token: required: your Pushover application token']);
    expect(problems(`channels:\n  phone: { type: pushover, url: "ftp://x", token: short, user: ${USER}, expire: 86400 }\n`)).toEqual([
      'channels.phone.url: Invalid URL',
      'channels.phone.token: must be a Pushover application token: 30 letters and digits',
      'channels.phone.expire: Pushover repeats an emergency message for at most 10800 s (3 h)',
    ]);
  });

  it('masks the token and user key wherever the channel is shown', () => {
    const { infos } = channels(`channels:\n  phone: { type: pushover, token: ${TOKEN}, user: ${USER} }\n`);
    expect(infos[0]!.config).toEqual({ token: '***', user: '***' });
    expect(JSON.stringify(infos)).not.toContain(TOKEN);
  });
});

describe('pushover notifier: preview', () => {
  it('previews the message body send posts, with the app token and user key masked', async () => {
    const preview = notifier.preview!(notification, notifier.configSchema!.parse({ url: receiver.url, token: TOKEN, user: USER }));
    expect(preview.format).toBe('json');
    expect(preview.body).not.toContain(TOKEN);
    expect(preview.body).not.toContain(USER);
    await deliver();
    expect(JSON.parse(preview.body)).toEqual({ ...bodies().at(-1), token: '***', user: '***' });
  });
});
