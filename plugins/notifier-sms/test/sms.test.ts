import { describe, expect, it } from 'vitest';
import { buildChannels } from '@vigia/alerting';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification, type Notifier } from '@vigia/plugin-sdk';
import { configProblems, loadYamlConfig } from '@vigia/testing';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import smsNotifier from '../src/index.ts';
import { SMS_MAX } from '../src/sms-body.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH = 'twilio-auth-token-s3cret';
const FROM = '+15005550006';
const ANA = '+5511999990001';
const BRUNO = '+351912345678';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-sms-1',
  value: 93.5,
  durationSeconds: 312,
  links: { alert: 'https://vigia.example.com/alerts/alt-42', acknowledge: 'https://vigia.example.com/act/ack-ana', silence: 'https://vigia.example.com/act/sil-ana' },
  channel: 'oncall-sms',
  recipient: ANA,
  description: undefined,
});

const notifier = smsNotifier() as Notifier<unknown>;
const receiver = httpReceiverPerFile(() => () => created('SM0001'));

const created = (sid: string) => ({ status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sid, status: 'queued', to: ANA }) });
const twilioError = (status: number, code: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
});

const configFor = (extra: Record<string, unknown> = {}) => notifier.configSchema!.parse({ url: receiver.url, account_sid: SID, auth_token: AUTH, from: FROM, to: [ANA, BRUNO], ...extra });
const deliver = (n: AlertNotification = notification, extra: Record<string, unknown> = {}) => notifier.send(n, { config: configFor(extra), logger: quietLogger, signal: new AbortController().signal });
const forms = () => receiver.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)));

describe('sms notifier: messages', () => {
  it('creates one Message for the copy’s recipient: form-encoded To/From/Body, HTTP Basic sid:token', async () => {
    const receipt = await deliver();
    expect(receipt).toEqual({ externalId: 'SM0001', detail: `SMS to ${ANA} queued (SM0001)` });
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`);
    expect(forms()).toEqual([{ To: ANA, From: FROM, Body: 'CRITICAL firing: High CPU Usage 93.5% (> 90%) host=a Ack: https://vigia.example.com/act/ack-ana' }]);
  });

  it('declares the numbers as recipients, so the host sends one copy each with links signed for them', () => {
    expect(notifier.recipients!(configFor())).toEqual([ANA, BRUNO]);
    expect(notifier.recipients!(configFor({ to: BRUNO }))).toEqual([BRUNO]);
  });

  it('words each reason briefly; acknowledged and resolved carry the alert link, not the ack link', async () => {
    await deliver({ ...notification, reason: 'repeat' });
    await deliver({ ...notification, reason: 'escalated', severity: 'emergency' });
    await deliver({ ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    await deliver({ ...notification, reason: 'resolved', status: 'resolved', value: 41 });
    await deliver({ ...notification, reason: 'test', severity: 'info', rule: 'Test notification' });
    expect(forms().map((f) => f.Body)).toEqual([
      'CRITICAL still firing after 5m 12s: High CPU Usage 93.5% (> 90%) host=a Ack: https://vigia.example.com/act/ack-ana',
      'EMERGENCY ESCALATED after 5m 12s: High CPU Usage 93.5% (> 90%) host=a Ack: https://vigia.example.com/act/ack-ana',
      'ACK by ana: High CPU Usage (CRITICAL) 93.5% (> 90%) host=a "on it" https://vigia.example.com/alerts/alt-42',
      'RESOLVED after 5m 12s: High CPU Usage (CRITICAL) now 41% https://vigia.example.com/alerts/alt-42',
      'Vigia test: this number gets Vigia alerts from channel oncall-sms. No action needed. https://vigia.example.com/alerts/alt-42',
    ]);
  });

  it('uses the channel’s template text, keeps the whole within 320 GSM-safe characters and the link whole', async () => {
    await deliver({ ...notification, message: `Servidor a está quente… ${'x'.repeat(400)}` });
    const body = forms()[0]!.Body!;
    expect(body.length).toBeLessThanOrEqual(SMS_MAX);
    expect(body).toMatch(/^Servidor a est\? quente\.\.\. x+\.\.\. Ack: https:\/\/vigia\.example\.com\/act\/ack-ana$/);
    expect(body).toMatch(/^[\x20-\x7e]*$/);
  });

  it('drops a link too long to leave room for the text', async () => {
    const long = `https://vigia.example.com/act/${'t'.repeat(300)}`;
    await deliver({ ...notification, links: { acknowledge: long, alert: 'https://vigia.example.com/alerts/alt-42' } });
    expect(forms()[0]!.Body).toBe('CRITICAL firing: High CPU Usage 93.5% (> 90%) host=a https://vigia.example.com/alerts/alt-42');
  });

  it('with voice: true, calls and reads the alert out with TwiML; acknowledged and resolved place no call', async () => {
    receiver.setResponder(() => ({ status: 201, body: JSON.stringify({ sid: 'CA0001', status: 'queued' }) }));
    const receipt = await deliver({ ...notification, labels: { host: 'a&b' } }, { voice: true });
    expect(receipt).toEqual({ externalId: 'CA0001', detail: `call to ${ANA} queued (CA0001)` });
    expect(receiver.requests[0]!.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    expect(forms()).toEqual([
      {
        To: ANA,
        From: FROM,
        Twiml:
          '<Response><Say loop="2">Vigia critical alert. High CPU Usage is firing. Value 93.5 percent, threshold above 90 percent. host a&amp;b. Acknowledge it in Vigia to stop the calls.</Say></Response>',
      },
    ]);
    const skipped = await deliver({ ...notification, reason: 'resolved', status: 'resolved' }, { voice: true });
    expect(skipped).toEqual({ detail: `no call to ${ANA}: nobody needs waking for "resolved"` });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('sms notifier: provider errors', () => {
  it('429: retryable after Retry-After, naming the code; the next attempt delivers', async () => {
    receiver.setResponder((_, i) => (i === 0 ? twilioError(429, 20429, 'Too Many Requests', { 'retry-after': '12' }) : created('SM0002')));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(12_000);
    expect(error.message).toBe(`SMS to ${ANA}: HTTP 429, code 20429: Too Many Requests (https://www.twilio.com/docs/errors/20429)`);
    expect(await deliver()).toMatchObject({ externalId: 'SM0002' });
    expect(receiver.requests).toHaveLength(2);
  });

  it('400 / 401: permanent, naming the provider’s code and message, never the token', async () => {
    receiver.setResponder(() => twilioError(400, 21211, `The 'To' number ${ANA} is not a valid phone number.`));
    const invalid = await failureOf(deliver());
    expect(isPermanentError(invalid)).toBe(true);
    expect(invalid.message).toBe(`SMS to ${ANA}: HTTP 400, code 21211: The 'To' number ${ANA} is not a valid phone number. (https://www.twilio.com/docs/errors/21211)`);
    receiver.setResponder(() => twilioError(401, 20003, 'Authenticate'));
    const unauthorised = await failureOf(deliver());
    expect(isPermanentError(unauthorised)).toBe(true);
    expect(unauthorised.message).toContain('code 20003: Authenticate');
    expect(unauthorised.message).not.toContain(AUTH);
  });

  it('5xx: retryable', async () => {
    receiver.setResponder(() => twilioError(503, 20500, 'Service Unavailable'));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
    expect(error.message).toContain('code 20500');
  });
});

describe('sms notifier: settings', () => {
  const channels = (yaml: string) => buildChannels(loadYamlConfig(yaml), new Map([['sms', notifier]]));
  const problems = (yaml: string) => configProblems(() => channels(yaml), 'monitoring.yaml');

  it('checks every number is E.164 at start, naming the channel, the key and the number', () => {
    expect(problems(`channels:\n  oncall: { type: sms, account_sid: ${SID}, auth_token: t, from: "${FROM}", to: ["${ANA}", "11 99999-0002"] }\n`)).toEqual([
      'channels.oncall.to[1]: "11 99999-0002" is not an E.164 phone number (+, country code and digits, no spaces: e.g. +5511999990000)',
    ]);
    expect(problems(`channels:\n  oncall: { type: sms, url: "not a url", account_sid: ${SID}, from: "0800", to: "${ANA}" }\n`)).toEqual([
      'channels.oncall.url: Invalid URL',
      'channels.oncall.auth_token: required: the provider auth token',
      'channels.oncall.from: "0800" is not an E.164 phone number (+, country code and digits, no spaces: e.g. +5511999990000)',
    ]);
    expect(problems(`channels:\n  oncall: { type: sms, account_sid: ${SID}, auth_token: t, from: "${FROM}", to: ["${ANA}", "${ANA}"] }\n`)).toEqual(['channels.oncall.to: a number is listed twice']);
  });

  it('masks the auth token wherever the channel is shown', () => {
    const { infos } = channels(`channels:\n  oncall: { type: sms, account_sid: ${SID}, auth_token: ${AUTH}, from: "${FROM}", to: "${ANA}" }\n`);
    expect(infos[0]!.config).toEqual({ account_sid: SID, auth_token: '***', from: FROM, to: ANA });
    expect(JSON.stringify(infos)).not.toContain(AUTH);
  });
});

describe('sms notifier: preview', () => {
  it('previews the SMS text send posts as Body, and a call’s TwiML, without the auth token', async () => {
    const sms = notifier.preview!(notification, configFor());
    expect(sms.format).toBe('text');
    await deliver();
    expect(sms.body).toBe(forms().at(-1)!.Body);
    const call = notifier.preview!(notification, configFor({ voice: true }));
    await deliver(notification, { voice: true });
    expect(call).toMatchObject({ format: 'text', body: forms().at(-1)!.Twiml });
    for (const shown of [sms, call]) expect(`${shown.title}${shown.body}`).not.toContain(AUTH);
  });
});
