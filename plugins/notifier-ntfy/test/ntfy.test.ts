import { describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import type { Responder } from '@vigia/testing';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import ntfyNotifier from '../src/index.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-ntfy-1',
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/act/ack-token',
    silence: 'https://vigia.example.com/act/silence-token',
  },
  channel: 'phone-ntfy',
});

interface NtfyPayload {
  topic: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  click?: string;
  actions?: { action: string; label: string; url: string; method?: string; clear?: boolean }[];
}

const notifier = ntfyNotifier();
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/**
 * Answers like an ntfy server's JSON publish (POST / with the topic in the body): the published
 * message as JSON, or ntfy's error JSON ({code, http, error}).
 */
const ntfyLike =
  (auth?: string): Responder =>
  (req) => {
    if (auth && req.headers.authorization !== auth)
      return json(req.headers.authorization ? 403 : 401, req.headers.authorization ? { code: 40301, http: 403, error: 'forbidden' } : { code: 40101, http: 401, error: 'unauthorized' });
    let payload: NtfyPayload;
    try {
      payload = JSON.parse(req.body) as NtfyPayload;
    } catch {
      return json(400, { code: 40024, http: 400, error: 'invalid request: request body must be message JSON' });
    }
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(payload.topic ?? '')) return json(400, { code: 40009, http: 400, error: 'invalid request: topic invalid' });
    if ((payload.actions?.length ?? 0) > 3) return json(400, { code: 40018, http: 400, error: 'invalid request: actions invalid' });
    return json(200, { id: 'sPs71M8A2T', time: 1768471200, expires: 1768514400, event: 'message', topic: payload.topic, title: payload.title, message: payload.message, priority: payload.priority });
  };

const receiver = httpReceiverPerFile(() => ntfyLike());
function deliver(config: Record<string, unknown> = {}, n: AlertNotification = notification) {
  return notifier.send(n, { config: notifier.configSchema!.parse({ url: receiver.url, topic: 'acme-oncall', ...config }), logger: quietLogger, signal: new AbortController().signal });
}
const lastPayload = () => JSON.parse(receiver.requests.at(-1)!.body) as NtfyPayload;

describe('ntfy notifier: message', () => {
  it('publishes JSON to the server root with topic, title, priority 5, tags, click and actions', async () => {
    expect(await deliver()).toEqual({ externalId: 'sPs71M8A2T', detail: 'published' });
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
    const payload = lastPayload();
    expect(payload).toEqual({
      topic: 'acme-oncall',
      title: 'CRITICAL firing: High CPU Usage (host=a)',
      message:
        'CPU usage above 90% on a\nNew alert: the condition started firing.\n\nValue 93.4568% (threshold > 90%), for 1h 2m\ncpu_usage {host=a}\n\nSustained CPU load; check the batch jobs.\n\nRunbook: https://runbooks.example.com/cpu',
      priority: 5,
      tags: ['rotating_light', 'critical'],
      click: 'https://vigia.example.com/alerts/alt-42',
      actions: [
        { action: 'view', label: 'Open alert', url: 'https://vigia.example.com/alerts/alt-42' },
        { action: 'http', label: 'Acknowledge', url: 'https://vigia.example.com/act/ack-token', method: 'POST', clear: true },
        { action: 'view', label: 'Runbook', url: 'https://runbooks.example.com/cpu' },
      ],
    });
  });

  it.each([
    ['info', 3, 'information_source'],
    ['warning', 4, 'warning'],
    ['critical', 5, 'rotating_light'],
    ['emergency', 5, 'sos'],
  ] as const)('a firing %s alert goes at priority %i', async (severity, priority, tag) => {
    await deliver({ tags: ['prod'] }, { ...notification, severity });
    expect(lastPayload()).toMatchObject({ priority, tags: [tag, severity, 'prod'] });
  });

  it('an escalation pages at the severity priority; resolved, acknowledged and test messages go at the default one', async () => {
    await deliver({}, { ...notification, reason: 'escalated' });
    expect(lastPayload()).toMatchObject({ priority: 5, title: 'CRITICAL escalated: High CPU Usage (host=a)' });
    expect(lastPayload().message).toMatch(/^CPU usage above 90% on a\nEscalated: still firing after 1h 2m/);

    await deliver({}, { ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    expect(lastPayload()).toMatchObject({ priority: 3, tags: ['white_check_mark', 'critical'], title: 'CRITICAL resolved: High CPU Usage (host=a)' });
    expect(lastPayload().message).toContain('Resolved after 1h 2m.');
    expect(lastPayload().actions!.map((a) => a.label)).toEqual(['Open alert', 'Runbook']);

    await deliver({}, { ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    expect(lastPayload()).toMatchObject({ priority: 3, tags: ['eyes', 'critical'] });
    expect(lastPayload().message).toContain('Acknowledged by ana: "on it"');

    await deliver({}, { ...notification, reason: 'test' });
    expect(lastPayload()).toMatchObject({ priority: 3, tags: ['test_tube', 'critical'] });
  });

  it("uses the channel's template text in place of its own wording", async () => {
    await deliver({}, { ...notification, message: 'critical: High CPU Usage is 93.5 on a (new)' });
    expect(lastPayload().message).toMatch(/^critical: High CPU Usage is 93\.5 on a \(new\)\n\nValue 93\.4568%/);
  });

  it('keeps the message under 4 KB and leaves out links that are not http(s)', async () => {
    await deliver({}, { ...notification, description: 'é'.repeat(10_000), runbookUrl: 'javascript:alert(1)', links: { alert: 'not a url' } });
    const payload = lastPayload();
    expect(Buffer.byteLength(payload.message)).toBeLessThanOrEqual(4000);
    expect(payload.click).toBeUndefined();
    expect(payload.actions).toBeUndefined();
  });

  it('sends the access token as Bearer, or user and password as Basic', async () => {
    receiver.setResponder(ntfyLike('Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2'));
    await deliver({ token: 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2' });
    expect(receiver.requests.at(-1)!.status).toBe(200);
    receiver.setResponder(ntfyLike(`Basic ${Buffer.from('phil:mypass').toString('base64')}`));
    await deliver({ username: 'phil', password: 'mypass' });
    expect(receiver.requests.at(-1)!.status).toBe(200);
  });

  it('publishes to a server under a path prefix', async () => {
    await deliver({ url: `${receiver.url}/ntfy` });
    expect(receiver.requests.at(-1)!.path).toBe('/ntfy');
  });
});

describe('ntfy notifier: failures', () => {
  it('on 429 retries after Retry-After, then delivers', async () => {
    receiver.setResponder((req, i) => (i === 0 ? json(429, { code: 42901, http: 429, error: 'limit reached: too many requests' }, { 'retry-after': '12' }) : ntfyLike()(req, i)));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(12_000);
    expect(error.message).toBe('ntfy: HTTP 429 limit reached: too many requests (code 42901)');
    expect(await deliver()).toEqual({ externalId: 'sPs71M8A2T', detail: 'published' });
  });

  it('stops at once on a missing or wrong token (401, 403) and a refused message (400)', async () => {
    receiver.setResponder(ntfyLike('Bearer tk_right'));
    const missing = await failureOf(deliver());
    expect(isPermanentError(missing)).toBe(true);
    expect(missing.message).toBe('ntfy: HTTP 401 unauthorized (code 40101)');
    const wrong = await failureOf(deliver({ token: 'tk_wrong_secret' }));
    expect(isPermanentError(wrong)).toBe(true);
    expect(wrong.message).toBe('ntfy: HTTP 403 forbidden (code 40301)');
    expect(wrong.message).not.toContain('tk_wrong_secret');
    receiver.setResponder(() => json(400, { code: 40009, http: 400, error: 'invalid request: topic invalid' }));
    expect(isPermanentError(await failureOf(deliver()))).toBe(true);
  });

  it('retries a 5xx', async () => {
    receiver.setResponder(() => json(500, { code: 50001, http: 500, error: 'internal server error' }));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(isPermanentError(error)).toBe(false);
  });
});

describe('ntfy notifier: paging one on-call person', () => {
  it('publishes a page to the person’s own topic, with the channel’s server and credentials', async () => {
    await deliver({ token: 'tk_abc' }, { ...notification, reason: 'escalated', recipient: 'ana-pager-7f3k' });
    const [req] = receiver.requests;
    expect(req!.path).toBe('/');
    expect(req!.headers.authorization).toBe('Bearer tk_abc');
    expect(lastPayload().topic).toBe('ana-pager-7f3k');
    expect(lastPayload().priority).toBe(5);
  });
});

describe('ntfy notifier: config', () => {
  const schema = notifier.configSchema!;
  const problems = (config: Record<string, unknown>) => schema.safeParse(config).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('takes the issue example as it is; token and password are secrets', () => {
    expect(notifier.secrets).toEqual(['token', 'password']);
    expect(schema.parse({ url: 'https://ntfy.sh', topic: 'acme-oncall' })).toEqual({ url: 'https://ntfy.sh', topic: 'acme-oncall', tags: [], timeout_ms: 10_000 });
    expect(schema.parse({ topic: 'acme-oncall' }).url).toBe('https://ntfy.sh');
  });

  it('names the key and the problem', () => {
    expect(problems({ url: 'https://ntfy.sh' })).toEqual([expect.stringMatching(/^topic: /)]);
    expect(problems({ topic: 'acme oncall' })).toEqual(['topic: a topic is 1 to 64 letters, digits, - or _']);
    expect(problems({ topic: 'acme', url: 'ntfy.sh' })).toEqual([expect.stringMatching(/^url: /)]);
    expect(problems({ topic: 'acme', username: 'phil' })).toEqual(['password: give username and password together']);
    expect(problems({ topic: 'acme', token: 'tk_1', username: 'phil', password: 'p' })).toEqual(['token: give either token or username/password, not both']);
    expect(problems({ topic: 'acme', token: '' })).toEqual([expect.stringMatching(/^token: /)]);
    expect(problems({ topic: 'acme', priority: 5 })).toEqual([expect.stringMatching(/^: Unrecognized key/)]);
  });
});
