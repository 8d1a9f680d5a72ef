import { describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import telegramNotifier from '../src/index.ts';
import { CHAT_ID, PERSON_CHAT_ID, TOKEN, telegramLike, telegramRefusal } from './telegram-like.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-tg-1',
  labels: { host: 'a', note: '<b>x</b> & "co"' },
  channel: 'tg',
});

interface SentMessage {
  chat_id: number;
  text: string;
  parse_mode: string;
  disable_notification: boolean;
  link_preview_options: { is_disabled: boolean };
  reply_parameters?: { message_id: number; allow_sending_without_reply: boolean };
  reply_markup?: { inline_keyboard: { text: string; url: string }[][] };
}

const notifier = telegramNotifier();
const server = httpReceiverPerFile(() => telegramLike);
const config = () => ({ token: TOKEN, chat_id: CHAT_ID, url: server.url });
const deliver = (n: AlertNotification = notification, overrides: Record<string, unknown> = {}) =>
  notifier.send(n, { config: notifier.configSchema!.parse({ ...config(), ...overrides }), logger: quietLogger, signal: new AbortController().signal });
const sent = () => server.json<SentMessage>();
const keyboard = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => [b.text, b.url]));

describe('telegram notifier: the message', () => {
  it('posts an HTML message with value, threshold, unit, summary and Acknowledge/Open buttons', async () => {
    const receipt = await deliver();
    expect(receipt?.externalId).toMatch(new RegExp(`^${CHAT_ID}:\\d+$`));
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(req!.headers['content-type']).toContain('application/json');
    const [message] = sent();
    expect(message).toMatchObject({ chat_id: CHAT_ID, parse_mode: 'HTML', disable_notification: false, link_preview_options: { is_disabled: true } });
    expect(message!.text).toContain('🔴 <b>CRITICAL firing</b>');
    expect(message!.text).toContain('<b>High CPU Usage</b>');
    expect(message!.text).toContain('CPU usage above 90% on a');
    expect(message!.text).toContain('New alert: the condition started firing.');
    expect(message!.text).toContain('Value: <b>93.4568%</b> (threshold &gt; 90%)');
    expect(message!.text).toContain('Metric: <code>cpu_usage</code>');
    expect(message!.text).toContain('Sustained CPU load');
    expect(keyboard(message!)).toEqual([
      [['✅ Acknowledge', notification.links.acknowledge]],
      [
        ['Open alert', notification.links.alert],
        ['Silence', notification.links.silence],
        ['Runbook', notification.runbookUrl],
      ],
    ]);
  });

  it('escapes text from the alert so it cannot break Telegram HTML', async () => {
    // The stand-in refuses unbalanced or unknown tags the way Telegram does: this passing is the proof.
    await deliver({ ...notification, rule: 'a < b & c', summary: '<script>x</script>' });
    const text = sent()[0]!.text;
    expect(text).toContain('note=&lt;b&gt;x&lt;/b&gt; &amp; &quot;co&quot;');
    expect(text).toContain('a &lt; b &amp; c');
    expect(text).not.toContain('<script>');
  });

  it('uses the channel template text in place of the default wording', async () => {
    await deliver({ ...notification, message: 'CPU on a is at 93% <- look' });
    const text = sent()[0]!.text;
    expect(text).toContain('CPU on a is at 93% &lt;- look');
    expect(text).not.toContain('New alert: the condition started firing.');
    expect(text).toContain('Value: <b>93.4568%</b>');
  });

  it('sends resolved messages silently, without Acknowledge or Silence, as a reply to the first message', async () => {
    const first = await deliver();
    const firstId = Number(first!.externalId!.split(':')[1]);
    await deliver({
      ...notification,
      reason: 'resolved',
      status: 'resolved',
      resolvedAt: '2026-01-15T11:02:05.000Z',
      previousExternalId: first!.externalId,
      links: { alert: notification.links.alert },
    });
    const resolved = sent()[1]!;
    expect(resolved.text).toContain('✅ <b>CRITICAL resolved</b>');
    expect(resolved.text).toContain('Resolved after 1h 2m.');
    expect(resolved.disable_notification).toBe(true);
    expect(resolved.reply_parameters).toEqual({ message_id: firstId, allow_sending_without_reply: true });
    expect(keyboard(resolved)).toEqual([
      [
        ['Open alert', notification.links.alert],
        ['Runbook', notification.runbookUrl],
      ],
    ]);
  });

  it('names who acknowledged, and says why for repeat, escalated and test sends', async () => {
    await deliver({ ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    await deliver({ ...notification, reason: 'repeat' });
    await deliver({ ...notification, reason: 'escalated' });
    await deliver({ ...notification, reason: 'test', severity: 'info' });
    const [ack, repeat, escalated, test] = sent();
    expect(ack!.text).toContain('Acknowledged by ana: &quot;on it&quot;');
    expect(ack!.text).toContain('Acknowledged by: ana');
    expect(
      keyboard(ack!)
        .flat()
        .map(([label]) => label),
    ).not.toContain('✅ Acknowledge');
    expect(repeat!.text).toContain('<b>CRITICAL still firing</b>');
    expect(repeat!.text).toContain('Reminder: still firing after 1h 2m');
    expect(escalated!.text).toContain('Escalated: still firing after 1h 2m');
    expect(test!.text).toContain('🧪 <b>INFO test</b>');
    expect(test!.disable_notification).toBe(false);
  });

  it('falls back to links in the text when Telegram refuses a button URL (a Vigia on localhost)', async () => {
    const local = { ...notification, links: { alert: 'http://localhost:3000/alerts/alt-42', acknowledge: 'http://localhost:3000/act/x' } };
    const receipt = await deliver(local);
    expect(receipt?.detail).toContain('sent without buttons');
    expect(receipt?.detail).toContain('BUTTON_URL_INVALID');
    const [refused, retried] = sent();
    expect(refused!.reply_markup).toBeDefined();
    expect(retried!.reply_markup).toBeUndefined();
    expect(retried!.text).toContain('<a href="http://localhost:3000/act/x">Acknowledge</a>');
  });
});

describe('telegram notifier: paging one on-call person', () => {
  it('sends a page to the person’s own chat id (their private chat with the bot), not the group or its topic', async () => {
    const receipt = await deliver({ ...notification, reason: 'escalated', recipient: String(PERSON_CHAT_ID) }, { message_thread_id: 7 });
    expect(receipt?.externalId).toMatch(new RegExp(`^${PERSON_CHAT_ID}:\\d+$`));
    const [message] = sent() as (SentMessage & { message_thread_id?: number })[];
    expect(message!.chat_id).toBe(PERSON_CHAT_ID);
    expect(message!.message_thread_id).toBeUndefined();
  });
});

describe('telegram notifier: failures', () => {
  it('waits what flood control says (parameters.retry_after), then delivers', async () => {
    server.setResponder((req, index) => (index === 0 ? telegramRefusal(429, 'Too Many Requests: retry after 7', { retry_after: 7 }) : telegramLike(req)));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
    expect(error.message).toContain('Too Many Requests: retry after 7');
    expect(await deliver()).toMatchObject({ detail: 'sent' });
    expect(server.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('treats 5xx as retryable', async () => {
    server.setResponder(() => telegramRefusal(502, 'Bad Gateway'));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
  });

  it.each([
    ['a wrong token (401)', { token: '987654321:WRONGtokenWRONG' }, 'Unauthorized'],
    ['an unknown chat (400)', { chat_id: -42 }, 'chat not found'],
  ])('stops at once on %s, never showing the token', async (_, overrides, said) => {
    const error = await failureOf(deliver(notification, overrides));
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toContain(said);
    expect(error.message).not.toContain('AAtestTOKENsecretXYZ');
    expect(error.message).not.toContain('WRONGtokenWRONG');
    expect(server.requests).toHaveLength(1);
  });

  it('says which chat_id to use when the group became a supergroup', async () => {
    server.setResponder(() => telegramRefusal(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1009999 }));
    const error = await failureOf(deliver());
    expect(isPermanentError(error)).toBe(true);
    expect(error.message).toContain('set chat_id to -1009999');
  });
});

describe('telegram notifier: config', () => {
  const schema = notifier.configSchema!;
  const problems = (input: Record<string, unknown>) => {
    const parsed = schema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('declares the token secret and fills defaults', () => {
    expect(notifier.name).toBe('telegram');
    expect(notifier.secrets).toEqual(['token']);
    expect(schema.parse({ token: TOKEN, chat_id: '@vigia_alerts' })).toEqual({ token: TOKEN, chat_id: '@vigia_alerts', url: 'https://api.telegram.org', timeout_ms: 10_000 });
  });

  it('names the key and the problem, without echoing the token', () => {
    expect(problems({ chat_id: CHAT_ID })).toEqual(['token: required: the bot token from @BotFather, such as 123456789:AA…']);
    expect(problems({ token: TOKEN })).toEqual(['chat_id: required: the chat to post to (a numeric id such as -1001234567890, or @channelname)']);
    const badToken = problems({ token: 'not-a-token-secret', chat_id: CHAT_ID });
    expect(badToken).toEqual(['token: not a bot token: @BotFather gives one shaped like 123456789:AA…']);
    expect(problems({ token: TOKEN, chat_id: 'general' })[0]).toMatch(/^chat_id: /);
    expect(problems({ token: TOKEN, chat_id: CHAT_ID, url: 'ftp://x' })).toEqual(['url: must be an http(s) URL such as https://api.telegram.org']);
  });
});

describe('telegram notifier: preview', () => {
  it('previews the sendMessage body send posts (HTML text, buttons), without the bot token', async () => {
    const preview = notifier.preview!(notification, notifier.configSchema!.parse(config()));
    expect(preview).toMatchObject({ format: 'json', title: 'Bot API sendMessage' });
    await deliver();
    expect(JSON.parse(preview.body)).toEqual(sent()[0]);
    expect((JSON.parse(preview.body) as SentMessage).text).toContain('🔴 <b>CRITICAL firing</b>');
    expect(`${preview.title}${preview.body}`).not.toContain(TOKEN);
  });
});
