import { describe, expect, it } from 'vitest';
import { failureOf, isPermanentError, quietLogger, RetryableError, sampleNotification, type AlertNotification } from '@vigia/plugin-sdk';
import type { Responder } from '@vigia/testing';
import { httpReceiverPerFile } from '@vigia/testing/vitest';
import teamsNotifier from '../src/index.ts';

const notification = sampleNotification({
  notificationId: 'ntf-ep7-new-teams-1',
  labels: { host: 'a', note: '[click](https://evil.example)' },
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/act/ack-token',
    silence: 'https://vigia.example.com/act/silence-token',
  },
  channel: 'team-teams',
});

interface TextBlock {
  type: string;
  text?: string;
  color?: string;
  style?: string;
  items?: TextBlock[];
  facts?: { title: string; value: string }[];
}
interface Card {
  $schema: string;
  type: string;
  version: string;
  msteams: { width: string };
  body: TextBlock[];
  actions: { type: string; title: string; url: string }[];
}
interface TeamsPayload {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: Card }[];
}

const notifier = teamsNotifier();
const SIG = 'XXXXsigSECRETXXXX';
const PATH = `/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;

/**
 * Answers like a Teams Workflows trigger ("When a Teams webhook request is received"): 202 with
 * no body for a message carrying an Adaptive Card, Power Automate's error JSON otherwise.
 */
const teamsLike: Responder = (req) => {
  const error = (status: number, code: string, message: string) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code, message } }) });
  if (!req.path.startsWith('/workflows/0a1b2c/')) return error(404, 'WorkflowNotFound', "The workflow '0a1b2c' could not be found.");
  if (!req.path.endsWith(`sig=${SIG}`)) return error(401, 'DirectApiAuthorizationRequired', 'The request must be authenticated only by Shared Access scheme.');
  let payload: TeamsPayload;
  try {
    payload = JSON.parse(req.body) as TeamsPayload;
  } catch {
    return error(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
  }
  const card = payload.attachments?.[0];
  if (payload.type !== 'message' || card?.contentType !== 'application/vnd.microsoft.card.adaptive' || card.content?.type !== 'AdaptiveCard') {
    return error(400, 'InvalidRequestContent', 'The input body for trigger manual of type Request did not match its schema definition.');
  }
  return { status: 202, body: '' };
};

const receiver = httpReceiverPerFile(() => teamsLike);
function deliver(config: Record<string, unknown> = {}, n: AlertNotification = notification) {
  return notifier.send(n, { config: notifier.configSchema!.parse({ url: `${receiver.url}${PATH}`, ...config }), logger: quietLogger, signal: new AbortController().signal });
}
const card = () => (JSON.parse(receiver.requests.at(-1)!.body) as TeamsPayload).attachments[0]!.content;
const header = () => card().body[0]!;
const texts = () =>
  card()
    .body.filter((b) => b.type === 'TextBlock')
    .map((b) => b.text);
const fact = (title: string) =>
  card()
    .body.find((b) => b.type === 'FactSet')!
    .facts!.find((f) => f.title === title)?.value;
const buttons = () => card().actions.map((a) => [a.title, a.url]);

describe('teams notifier: message', () => {
  it('posts a message with one Adaptive Card 1.4 attachment, styled by severity', async () => {
    expect(await deliver()).toEqual({ detail: 'accepted by the workflow' });
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(PATH);
    expect(req.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(req.body) as TeamsPayload;
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    expect(payload.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    expect(card()).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' } });

    expect(header()).toMatchObject({ type: 'Container', style: 'attention' });
    expect(header().items![0]).toMatchObject({ type: 'TextBlock', color: 'Attention', weight: 'Bolder' });
    expect(header().items![0]!.text).toMatch(/^🔴 CRITICAL firing: High CPU Usage \(host=a, note=\\\[click\\\]\(https:\/\/evil\.example\)\)$/);
    expect(texts()).toContain('**CPU usage above 90% on a**');
    expect(texts()).toContain('New alert: the condition started firing.');
    expect(fact('Value')).toBe('93.4568%');
    expect(fact('Threshold')).toBe('\\> 90%');
    expect(fact('Duration')).toBe('1h 2m');
    expect(fact('Status')).toBe('firing (new)');
    expect(fact('Metric')).toBe('cpu\\_usage');
    // A label cannot smuggle in a link.
    expect(fact('Labels')).toBe('host=a, note=\\[click\\](https://evil.example)');
    expect(texts()).toContain('Sustained CPU load; check the batch jobs.');
    expect(buttons()).toEqual([
      ['Open alert', notification.links.alert],
      ['Acknowledge', notification.links.acknowledge],
      ['Silence', notification.links.silence],
      ['Runbook', notification.runbookUrl],
    ]);
    expect(card().actions.every((a) => a.type === 'Action.OpenUrl')).toBe(true);
  });

  it.each([
    ['info', 'accent', 'Accent'],
    ['warning', 'warning', 'Warning'],
    ['emergency', 'attention', 'Attention'],
  ] as const)('styles a %s alert %s', async (severity, style, color) => {
    await deliver({}, { ...notification, severity });
    expect(header()).toMatchObject({ style, items: [{ color }] });
  });

  it('goes green when resolved, without acknowledge or silence buttons', async () => {
    await deliver({}, { ...notification, reason: 'resolved', status: 'resolved', resolvedAt: '2026-01-15T11:02:05.000Z' });
    expect(header()).toMatchObject({ style: 'good', items: [{ color: 'Good' }] });
    expect(header().items![0]!.text).toMatch(/^✅ CRITICAL resolved/);
    expect(texts()).toContain('Resolved after 1h 2m.');
    expect(fact('Resolved')).toBe('2026-01-15T11:02:05.000Z');
    expect(buttons().map(([t]) => t)).toEqual(['Open alert', 'Runbook']);
  });

  it('names who acknowledged; a test send says it is a test', async () => {
    await deliver({}, { ...notification, reason: 'acknowledged', status: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' });
    expect(texts()).toContain('Acknowledged by ana: "on it"');
    expect(buttons().map(([t]) => t)).toEqual(['Open alert', 'Silence', 'Runbook']);
    await deliver({}, { ...notification, reason: 'test' });
    expect(header().style).toBe('emphasis');
    expect(texts().some((t) => t?.startsWith('Test notification'))).toBe(true);
  });

  it("shows the channel's template text in place of its own wording, keeping the card", async () => {
    await deliver({}, { ...notification, message: 'critical: High CPU Usage is 93.5 on a (new)' });
    expect(texts()).toContain('critical: High CPU Usage is 93.5 on a (new)');
    expect(texts()).not.toContain('**CPU usage above 90% on a**');
    expect(fact('Value')).toBe('93.4568%');
  });

  it('leaves out buttons whose link is not http(s) and clips huge text', async () => {
    await deliver({}, { ...notification, runbookUrl: 'javascript:alert(1)', description: 'D'.repeat(50_000), value: null });
    expect(receiver.requests.at(-1)!.status).toBe(202);
    expect(receiver.requests.at(-1)!.body.length).toBeLessThan(28_000);
    expect(buttons().map(([t]) => t)).not.toContain('Runbook');
    expect(fact('Value')).toBe('no data');
  });
});

describe('teams notifier: failures', () => {
  it('on 429 retries after Retry-After, then delivers', async () => {
    receiver.setResponder((req, i) =>
      i === 0
        ? {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '7' },
            body: JSON.stringify({ error: { code: 'WorkflowRequestsThrottled', message: 'Rate limit is exceeded.' } }),
          }
        : teamsLike(req, i),
    );
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
    expect(error.message).toBe('Teams: HTTP 429 WorkflowRequestsThrottled: Rate limit is exceeded.');
    expect(await deliver()).toEqual({ detail: 'accepted by the workflow' });
  });

  it('stops at once on a wrong sig (401), a deleted workflow (404) and a refused body (400)', async () => {
    const wrongSig = await failureOf(deliver({ url: `${receiver.url}${PATH.replace(SIG, 'wrong')}` }));
    expect(isPermanentError(wrongSig)).toBe(true);
    expect(wrongSig.message).toMatch(/^Teams: HTTP 401 DirectApiAuthorizationRequired/);
    const gone = await failureOf(deliver({ url: `${receiver.url}${PATH.replace('0a1b2c', 'deleted')}` }));
    expect(isPermanentError(gone)).toBe(true);
    expect(gone.message).toMatch(/^Teams: HTTP 404 WorkflowNotFound/);
    receiver.setResponder(() => ({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: 'InvalidRequestContent', message: 'bad' } }) }));
    const refused = await failureOf(deliver());
    expect(isPermanentError(refused)).toBe(true);
    for (const error of [wrongSig, gone, refused]) expect(error.message).not.toContain(SIG);
  });

  it('retries a 5xx', async () => {
    receiver.setResponder(() => ({ status: 503, body: '' }));
    const error = await failureOf(deliver());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe('Teams: HTTP 503');
  });
});

describe('teams notifier: config', () => {
  const schema = notifier.configSchema!;
  it('takes the issue example as it is and marks the URL secret', () => {
    expect(notifier.secrets).toEqual(['url']);
    expect(schema.parse({ url: 'https://example.webhook.office.com/workflows/...' })).toEqual({ url: 'https://example.webhook.office.com/workflows/...', timeout_ms: 10_000 });
  });
  it('names the key for a missing or bad URL and unknown keys', () => {
    expect(schema.safeParse({}).error?.issues[0]?.path).toEqual(['url']);
    expect(schema.safeParse({ url: 'ftp://example.com/x' }).error?.issues[0]?.path).toEqual(['url']);
    expect(schema.safeParse({ url: 'https://example.com/x', webhook_url: 'y' }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['webhook_url'] });
  });
});

describe('teams notifier: preview', () => {
  it('previews the Adaptive Card JSON that send posts, coloured by severity, without the signed URL', async () => {
    const config = notifier.configSchema!.parse({ url: `${receiver.url}${PATH}` });
    const preview = notifier.preview!(notification, config);
    expect(preview.format).toBe('json');
    await deliver();
    expect(JSON.parse(preview.body)).toEqual(JSON.parse(receiver.requests.at(-1)!.body));
    const shown = JSON.parse(preview.body) as TeamsPayload;
    expect(shown.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(shown.attachments[0]!.content.body[0]).toMatchObject({ style: 'attention', items: [expect.objectContaining({ color: 'Attention' })] });
    expect(`${preview.title}${preview.body}`).not.toContain(SIG);
    expect(`${preview.title}${preview.body}`).not.toContain('/workflows/');
  });

  it('previews a resolved alert in the resolved colour', () => {
    const preview = notifier.preview!({ ...notification, reason: 'resolved', status: 'resolved' }, notifier.configSchema!.parse({ url: `https://example.webhook.office.com${PATH}` }));
    const header = (JSON.parse(preview.body) as TeamsPayload).attachments[0]!.content.body[0]!;
    expect(header).toMatchObject({ style: 'good', items: [expect.objectContaining({ color: 'Good' })] });
  });
});
