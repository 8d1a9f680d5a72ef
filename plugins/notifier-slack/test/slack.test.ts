import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import slackNotifier from '../src/index.ts';
import { freePort, startHttpReceiver, waitFor } from '@vigia/testing';
import { slackLike } from './slack-like.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-slack-1',
  labels: { host: 'a', note: '<script>alert(1)</script> & co' },
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/alerts/alt-42/ack?token=t',
    silence: 'https://vigia.example.com/silences/new?alert=alt-42',
  },
  channel: 'slack',
  unit: undefined,
});

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: { text: string } | string; url?: string; action_id?: string; style?: string }[];
}
interface SlackPayload {
  text: string;
  blocks: Block[];
  username?: string;
  channel?: string;
  icon_emoji?: string;
}

const notifier = slackNotifier();

function deliver(config: Record<string, unknown>, n: AlertNotification = notification, signal = new AbortController().signal) {
  return notifier.send(n, { config: notifier.configSchema!.parse(config), logger: quietLogger, signal });
}

const receiver = httpReceiverPerFile(() => slackLike);
let webhookUrl: string;
const lastPayload = () => JSON.parse(receiver.requests.at(-1)!.body) as SlackPayload;
const buttons = (p: SlackPayload) => p.blocks.find((b) => b.type === 'actions')?.elements ?? [];
const fieldTexts = (p: SlackPayload) => p.blocks.flatMap((b) => b.fields ?? []).map((f) => f.text);

beforeAll(() => {
  // Shaped like a real hook URL: the path is the credential.
  webhookUrl = `${receiver.url}/services/T000/B000/XXXXSECRETXXXX`;
});

describe('slack notifier: message', () => {
  it('posts a Block Kit message Slack accepts', async () => {
    const receipt = await deliver({ webhook_url: webhookUrl, channel: '#alerts', icon_emoji: ':bell:' });
    expect(receipt).toEqual({ detail: 'ok' });
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toContain('application/json');
    const payload = lastPayload();
    expect(payload).toMatchObject({ username: 'Vigia', channel: '#alerts', icon_emoji: ':bell:' });
    expect(payload.text).toContain('CRITICAL firing: High CPU Usage');
    expect(payload.text).toContain('New alert');

    const header = payload.blocks[0]!;
    expect(header.type).toBe('header');
    expect(header.text).toMatchObject({ type: 'plain_text', text: ':red_circle: CRITICAL · High CPU Usage' });
    const summary = payload.blocks[1]!;
    expect(summary.text!.text).toContain('*CPU usage above 90% on a*');
    expect(summary.text!.text).toContain('New alert: the condition started firing.');

    const fields = fieldTexts(payload);
    expect(fields).toContain('*Status*\nfiring (reason: new)');
    expect(fields).toContain('*Value*\n93.4568');
    expect(fields).toContain('*Threshold*\n&gt; 90');
    expect(fields).toContain('*Duration*\n1h 2m');
    expect(fields).toContain('*Metric*\ncpu_usage');
    expect(fields.find((f) => f.startsWith('*Started*'))).toContain('<!date^1768471200^');

    expect(buttons(payload).map((b) => [b.action_id, b.url])).toEqual([
      ['vigia_open', notification.links.alert],
      ['vigia_acknowledge', notification.links.acknowledge],
      ['vigia_silence', notification.links.silence],
      ['vigia_runbook', notification.runbookUrl],
    ]);
    expect(payload.blocks.some((b) => b.type === 'section' && b.text?.text.includes('Sustained CPU load'))).toBe(true);
    expect(JSON.stringify(payload.blocks.at(-1))).toContain(notification.notificationId);
  });

  it('escapes label values so they cannot inject Slack markup', async () => {
    await deliver({ webhook_url: webhookUrl });
    const labels = fieldTexts(lastPayload()).find((f) => f.startsWith('*Labels*'))!;
    expect(labels).toBe('*Labels*\nhost=a, note=&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(lastPayload().text).not.toContain('<script>');
  });

  it('says when and why an alert resolved, without acknowledge or silence buttons', async () => {
    await deliver({ webhook_url: webhookUrl }, { ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    const payload = lastPayload();
    expect(payload.blocks[0]!.text!.text).toBe(':white_check_mark: CRITICAL · High CPU Usage');
    expect(payload.text).toContain('CRITICAL resolved: High CPU Usage');
    expect(payload.blocks[1]!.text!.text).toContain('Resolved after 1h 2m.');
    expect(fieldTexts(payload).some((f) => f.startsWith('*Resolved*'))).toBe(true);
    expect(buttons(payload).map((b) => b.action_id)).toEqual(['vigia_open', 'vigia_runbook']);
  });

  it('names who acknowledged and their comment', async () => {
    await deliver({ webhook_url: webhookUrl }, { ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    const payload = lastPayload();
    expect(payload.blocks[1]!.text!.text).toContain('Acknowledged by ana: "on it"');
    expect(fieldTexts(payload)).toContain('*Acknowledged by*\nana');
    expect(buttons(payload).map((b) => b.action_id)).not.toContain('vigia_acknowledge');
  });

  it('leaves out links that are not http(s) and keeps the header within limits', async () => {
    await deliver({ webhook_url: webhookUrl }, { ...notification, rule: 'R'.repeat(400), runbookUrl: 'javascript:alert(1)', value: null });
    const payload = lastPayload();
    expect(receiver.requests).toHaveLength(1);
    expect(payload.blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    expect(buttons(payload).map((b) => b.action_id)).not.toContain('vigia_runbook');
    expect(fieldTexts(payload)).toContain('*Value*\nno data');
  });
});

describe('slack notifier: failures', () => {
  it.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('treats %i %s as permanent', async (status, body) => {
    receiver.setResponder(() => ({ status, body }));
    const error = await failureOf(deliver({ webhook_url: webhookUrl }));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toContain(body);
    // The webhook URL is the credential; it must not end up in logs or the delivery ledger.
    expect(error.message).not.toContain('XXXXSECRETXXXX');
  });

  it('treats 500 as retryable', async () => {
    receiver.setResponder(() => ({ status: 500, body: 'rollup_error' }));
    const error = await failureOf(deliver({ webhook_url: webhookUrl }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
    expect(error.message).toContain('rollup_error');
  });

  it('treats 429 as retryable with the Retry-After delay', async () => {
    receiver.setResponder(() => ({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }));
    const error = await failureOf(deliver({ webhook_url: webhookUrl }));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(30_000);
  });

  it('treats a refused connection as retryable', async () => {
    const port = await freePort();
    const error = await failureOf(deliver({ webhook_url: `http://127.0.0.1:${port}/services/T/B/XXXXSECRETXXXX` }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).not.toContain('XXXXSECRETXXXX');
  });

  it('gives up on a hanging webhook after timeout_ms', async () => {
    receiver.setResponder(() => 'hang');
    const error = await failureOf(deliver({ webhook_url: webhookUrl, timeout_ms: 200 }));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('no response within 200 ms');
    await waitFor(() => receiver.requests[0]?.abandoned, { what: 'the client to drop the request' });
  });

  it('stops the request when the host aborts', async () => {
    receiver.setResponder(() => 'hang');
    const controller = new AbortController();
    const sending = failureOf(deliver({ webhook_url: webhookUrl }, notification, controller.signal));
    await waitFor(() => receiver.requests.length === 1, { what: 'the request to arrive' });
    controller.abort();
    expect(await sending).toBeInstanceOf(RetryableError);
    await waitFor(() => receiver.requests[0]!.abandoned, { what: 'the client to drop the request' });
  });
});

describe('slack notifier: config', () => {
  it('declares its secret and validates its options', () => {
    expect(notifier.name).toBe('slack');
    expect(notifier.secrets).toEqual(['webhook_url', 'bot_token']);
    const schema = notifier.configSchema!;
    expect(schema.parse({ webhook_url: 'https://hooks.slack.com/services/T/B/X' })).toEqual({
      webhook_url: 'https://hooks.slack.com/services/T/B/X',
      username: 'Vigia',
      timeout_ms: 10_000,
      interactive: false,
      api_url: 'https://slack.com/api',
    });
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ bot_token: 'xoxb-1' }).success).toBe(false); // no channel
    expect(schema.safeParse({ bot_token: 'xoxb-1', channel: '#alerts' }).success).toBe(true);
    expect(schema.safeParse({ webhook_url: 'not a url' }).success).toBe(false);
    expect(schema.safeParse({ webhook_url: 'https://hooks.slack.com/x', icon_emoji: 'bell' }).success).toBe(false);
  });
});

describe('slack notifier: interactive buttons', () => {
  it('posts buttons that Slack sends back to Vigia, carrying the alert id', async () => {
    await deliver({ webhook_url: webhookUrl, interactive: true });
    const elements = buttons(lastPayload()) as { action_id: string; value?: string }[];
    expect(elements.map((b) => b.action_id)).toEqual(['vigia_open', 'vigia_acknowledge', 'vigia_silence_1h', 'vigia_resolve', 'vigia_runbook']);
    expect(elements.filter((b) => b.value).map((b) => b.value)).toEqual([notification.alertId, notification.alertId, notification.alertId]);
  });
});

describe('slack notifier: paging one on-call person', () => {
  it('names the person (their member id) at the head of a webhook message', async () => {
    await deliver({ webhook_url: webhookUrl }, { ...notification, reason: 'escalated', recipient: 'U024BE7LH' });
    const payload = lastPayload();
    expect(payload.text.startsWith('<@U024BE7LH> ')).toBe(true);
    expect(payload.blocks[1]!.text!.text.startsWith('<@U024BE7LH> ')).toBe(true);
  });

  it('with a bot token, posts the page to the person’s member id (their DM with the app), unmentioned', async () => {
    const api = await startHttpReceiver();
    api.setResponder((req) => {
      const body = JSON.parse(req.body) as { channel: string };
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ok: true, channel: body.channel === 'U024BE7LH' ? 'D0DM' : body.channel, ts: '1700000000.000200' }),
      };
    });
    try {
      const receipt = await deliver({ bot_token: 'xoxb-test', channel: '#alerts', api_url: api.url }, { ...notification, reason: 'escalated', recipient: 'U024BE7LH' });
      expect(receipt).toEqual({ externalId: 'D0DM|1700000000.000200', detail: 'posted' });
      const body = JSON.parse(api.requests[0]!.body) as SlackPayload;
      expect(api.requests[0]!.path).toBe('/chat.postMessage');
      expect(body.channel).toBe('U024BE7LH');
      expect(body.text).not.toContain('<@');
    } finally {
      await api.close();
    }
  });
});

describe('slack notifier: a bot token edits the alert’s message in place', () => {
  it('posts the first message and updates it on every later one, with the bearer token', async () => {
    const api = await startHttpReceiver();
    api.setResponder((req) => {
      const body = JSON.parse(req.body) as { channel: string; ts?: string };
      const answer = (json: object) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
      if (req.headers.authorization !== 'Bearer xoxb-test') return answer({ ok: false, error: 'invalid_auth' });
      if (req.path.endsWith('/chat.postMessage')) return answer({ ok: true, channel: 'C123', ts: '1700000000.000100' });
      if (req.path.endsWith('/chat.update')) return answer({ ok: true, channel: body.channel, ts: body.ts });
      return answer({ ok: false, error: 'unknown_method' });
    });
    try {
      const config = { bot_token: 'xoxb-test', channel: '#alerts', api_url: api.url };
      const first = await deliver(config);
      expect(first).toEqual({ externalId: 'C123|1700000000.000100', detail: 'posted' });
      const second = await deliver(config, { ...notification, status: 'acknowledged', reason: 'acknowledged', previousExternalId: first!.externalId });
      expect(second).toEqual({ externalId: 'C123|1700000000.000100', detail: 'updated in place' });
      expect(api.requests.map((r) => r.path)).toEqual(['/chat.postMessage', '/chat.update']);
      expect(JSON.parse(api.requests[1]!.body)).toMatchObject({ channel: 'C123', ts: '1700000000.000100' });
      const refused = await failureOf(deliver({ ...config, bot_token: 'xoxb-wrong' }));
      expect(isPermanentError(refused)).toBe(true);
    } finally {
      await api.close();
    }
  });
});
