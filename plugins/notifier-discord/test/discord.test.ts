import { beforeAll, describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import type { Responder } from '@vigia/testing';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import discordNotifier from '../src/index.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-discord-1',
  labels: { host: 'a', note: '**bold** @everyone' },
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/act/ack-token',
    silence: 'https://vigia.example.com/act/silence-token',
  },
  channel: 'team-discord',
});

interface Embed {
  title: string;
  url?: string;
  description: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
  footer: { text: string };
}
interface DiscordPayload {
  content: string;
  username: string;
  avatar_url?: string;
  allowed_mentions: { parse: string[] };
  embeds: Embed[];
}

const notifier = discordNotifier();
const TOKEN = 'XXXXwebhookTOKENXXXX';

/**
 * Answers like Discord's Execute Webhook (POST /webhooks/{id}/{token}?wait=true): the created
 * message as JSON, or 400 "Invalid Form Body" for an embed over its documented limits.
 */
const discordLike: Responder = (req) => {
  const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!/^\/api\/webhooks\/\d+\/[\w-]+\?/.test(req.path)) return json(404, { message: 'Unknown Webhook', code: 10015 });
  let payload: DiscordPayload;
  try {
    payload = JSON.parse(req.body) as DiscordPayload;
  } catch {
    return json(400, { message: 'The request body contains invalid JSON.', code: 50109 });
  }
  const tooLong =
    payload.content.length > 2000 ||
    payload.embeds.length > 10 ||
    payload.embeds.some((e) => e.title.length > 256 || e.description.length > 4096 || e.fields.length > 25 || e.fields.some((f) => f.value.length > 1024) || !Number.isInteger(e.color));
  if (tooLong) return json(400, { message: 'Invalid Form Body', code: 50035 });
  return json(200, { id: '1311111111111111111', type: 0, channel_id: '1300000000000000000', content: payload.content });
};

const receiver = httpReceiverPerFile(() => discordLike);
let webhookUrl: string;

function deliver(config: Record<string, unknown> = {}, n: AlertNotification = notification) {
  return notifier.send(n, { config: notifier.configSchema!.parse({ url: webhookUrl, ...config }), logger: quietLogger, signal: new AbortController().signal });
}
const lastPayload = () => JSON.parse(receiver.requests.at(-1)!.body) as DiscordPayload;
const embed = () => lastPayload().embeds[0]!;
const field = (name: string) => embed().fields.find((f) => f.name === name)?.value;

beforeAll(() => {
  webhookUrl = `${receiver.url}/api/webhooks/1234567890/${TOKEN}`;
});

describe('discord notifier: message', () => {
  it('posts one embed coloured by severity to the webhook, waiting for the created message', async () => {
    const receipt = await deliver({ avatar_url: 'https://vigia.example.com/logo.png' });
    expect(receipt).toEqual({ externalId: '1311111111111111111', detail: 'posted' });
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/api/webhooks/1234567890/${TOKEN}?wait=true`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers.authorization).toBeUndefined();

    const payload = lastPayload();
    expect(payload).toMatchObject({ username: 'Vigia', avatar_url: 'https://vigia.example.com/logo.png', allowed_mentions: { parse: [] } });
    expect(payload.content).toContain('CRITICAL firing: High CPU Usage');
    const e = embed();
    expect(e.color).toBe(0xe74c3c);
    expect(e.title).toBe('🔴 CRITICAL firing: High CPU Usage (host=a, note=**bold** @everyone)');
    expect(e.url).toBe(notification.links.alert);
    expect(e.description).toContain('**CPU usage above 90% on a**\nNew alert: the condition started firing.');
    expect(e.description).toContain(
      '[Open alert](https://vigia.example.com/alerts/alt-42) · [Acknowledge](https://vigia.example.com/act/ack-token) · [Silence](https://vigia.example.com/act/silence-token) · [Runbook](https://runbooks.example.com/cpu)',
    );
    expect(field('Value')).toBe('93.4568%');
    expect(field('Threshold')).toBe('\\> 90%');
    expect(field('Duration')).toBe('1h 2m');
    expect(field('Status')).toBe('firing (new)');
    expect(field('Description')).toBe('Sustained CPU load; check the batch jobs.');
    // Label text cannot turn into markup.
    expect(field('Labels')).toBe('host=a, note=\\*\\*bold\\*\\* @everyone');
    expect(e.timestamp).toBe(notification.startedAt);
    expect(e.footer.text).toContain(notification.notificationId);
  });

  it.each([
    ['info', 0x3498db],
    ['warning', 0xf1c40f],
    ['emergency', 0x992d22],
  ] as const)('colours a %s alert %i', async (severity, colour) => {
    await deliver({}, { ...notification, severity });
    expect(embed().color).toBe(colour);
  });

  it('turns green when resolved and drops the acknowledge and silence links', async () => {
    await deliver({}, { ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    const e = embed();
    expect(e.color).toBe(0x2ecc71);
    expect(e.title).toMatch(/^✅ CRITICAL resolved: High CPU Usage/);
    expect(e.description).toContain('Resolved after 1h 2m.');
    expect(e.description).not.toContain('Acknowledge');
    expect(e.description).not.toContain('Silence');
    expect(e.timestamp).toBe('2026-01-15T11:02:05.000Z');
  });

  it('names who acknowledged, and marks a test send as a test', async () => {
    await deliver({}, { ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    expect(embed().description).toContain('Acknowledged by ana: "on it"');
    expect(field('Acknowledged by')).toBe('ana');
    expect(embed().description).not.toContain('[Acknowledge]');
    await deliver({}, { ...notification, reason: 'test' });
    expect(embed().color).toBe(0x5865f2);
    expect(embed().description).toContain('Test notification');
  });

  it("shows the channel's template text in place of its own wording, keeping the links", async () => {
    await deliver({}, { ...notification, message: 'critical: High CPU Usage is 93.5 on a (new)' });
    expect(embed().description).toMatch(/^critical: High CPU Usage is 93\.5 on a \(new\)\n\n\[Open alert\]/);
  });

  it('stays within Discord limits for a huge rule name, leaves out non-http links, and posts into a thread', async () => {
    await deliver({ thread_id: '1300000000000000001' }, { ...notification, rule: 'R'.repeat(400), description: 'D'.repeat(5000), runbookUrl: 'javascript:alert(1)', value: null });
    expect(receiver.requests.at(-1)!.status).toBe(200);
    expect(receiver.requests.at(-1)!.path).toContain('thread_id=1300000000000000001');
    expect(embed().title.length).toBeLessThanOrEqual(256);
    expect(embed().description).not.toContain('Runbook');
    expect(field('Value')).toBe('no data');
  });
});

describe('discord notifier: failures', () => {
  it('on 429 retries after the longest wait Discord names (retry_after JSON, X-RateLimit-Reset-After, Retry-After), then delivers', async () => {
    receiver.setResponder((req, i) =>
      i === 0
        ? {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '2', 'x-ratelimit-reset-after': '2.345', 'x-ratelimit-scope': 'user' },
            body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 2.345, global: false }),
          }
        : discordLike(req, i),
    );
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(2345);
    expect(error.message).toBe('Discord: HTTP 429 You are being rate limited.');
    expect(await deliver()).toEqual({ externalId: '1311111111111111111', detail: 'posted' });
  });

  it('honours X-RateLimit-Reset-After alone (a 429 without a JSON body)', async () => {
    receiver.setResponder(() => ({ status: 429, headers: { 'x-ratelimit-reset-after': '0.25' }, body: '<html>rate limited</html>' }));
    expect(((await failureOf(deliver())) as RetryableError).retryAfterMs).toBe(250);
  });

  it.each([
    [400, { message: 'Invalid Form Body', code: 50035 }, 'Discord: HTTP 400 Invalid Form Body (code 50035)'],
    [401, { message: '401: Unauthorized', code: 0 }, 'Discord: HTTP 401 401: Unauthorized'],
    [403, { message: 'Missing Access', code: 50001 }, 'Discord: HTTP 403 Missing Access (code 50001)'],
    [404, { message: 'Unknown Webhook', code: 10015 }, 'Discord: HTTP 404 Unknown Webhook (code 10015)'],
  ])('stops at once on %i', async (status, body, message) => {
    receiver.setResponder(() => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const error = await failureOf(deliver());
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toBe(message);
    // The webhook URL is the credential; it must not end up in logs or the delivery ledger.
    expect(error.message).not.toContain(TOKEN);
  });

  it('retries a 5xx', async () => {
    receiver.setResponder(() => ({ status: 502, body: 'upstream connect error' }));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
    expect(error.message).toBe('Discord: HTTP 502 upstream connect error');
  });
});

describe('discord notifier: config', () => {
  const schema = notifier.configSchema!;
  const problems = (config: Record<string, unknown>) => {
    const parsed = schema.safeParse(config);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes the issue example as it is and marks the webhook URL secret', () => {
    expect(notifier.secrets).toEqual(['url']);
    expect(schema.parse({ url: 'https://discord.com/api/webhooks/ID/TOKEN' })).toEqual({ url: 'https://discord.com/api/webhooks/ID/TOKEN', username: 'Vigia', timeout_ms: 10_000 });
  });

  it('names the key and the problem for a missing or wrong URL and unknown keys', () => {
    expect(problems({})[0]).toMatch(/^url: /);
    expect(problems({ url: 'not a url' })[0]).toMatch(/^url: /);
    expect(problems({ url: 'https://discord.com/channels/1/2' })).toEqual([
      expect.stringMatching(/^url: not a Discord webhook URL: it looks like https:\/\/discord\.com\/api\/webhooks\/<id>\/<token>/),
    ]);
    expect(problems({ url: 'https://discord.com/api/webhooks/1/t', thread_id: 'general' })).toEqual([expect.stringMatching(/^thread_id: a thread id is a number/)]);
    expect(schema.safeParse({ url: 'https://discord.com/api/webhooks/1/t', webhook: 'x' }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['webhook'] });
  });
});

describe('discord notifier: preview', () => {
  it('previews the embed JSON send posts, coloured by severity, without the webhook URL or its token', async () => {
    const preview = notifier.preview!(notification, notifier.configSchema!.parse({ url: webhookUrl }));
    expect(preview.format).toBe('json');
    await deliver();
    expect(JSON.parse(preview.body)).toEqual(lastPayload());
    expect((JSON.parse(preview.body) as DiscordPayload).embeds[0]!.color).toBe(lastPayload().embeds[0]!.color);
    expect(`${preview.title}${preview.body}`).not.toContain(TOKEN);
  });
});
