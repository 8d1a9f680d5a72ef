import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, startSmtpSink, waitFor } from '@vigia/testing';
import { feedSamples, hotRoomsYaml, startStack, trpcClient, type SampleFeed, type Stack } from '../src/index.ts';

const SIGNING_SECRET = 'test-signing-secret';

/** Signs like Slack does (its documented v0 scheme), independently of Vigia's own code. */
function slackRequest(body: string, { secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature }, body };
}
const actionBody = (actionId: string, alertId: string, user = 'ana') =>
  `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1', username: user }, actions: [{ action_id: actionId, value: alertId }] }))}`;

describe('acting on an alert where it arrives', () => {
  let stack: Stack;
  let slack: Awaited<ReturnType<typeof startHttpReceiver>>;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let feed: SampleFeed | undefined;
  const values: Record<string, number> = { a: 99, b: 99, c: 99 };

  beforeAll(async () => {
    slack = await startHttpReceiver();
    sink = await startSmtpSink();
    stack = await startStack({
      yaml: hotRoomsYaml('', ''),
      env: {
        SLACK_ALERTS_ENABLED: 'true',
        SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/X`,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        EMAIL_ALERTS_ENABLED: 'true',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.port),
        ALERT_FROM_EMAIL: 'vigia@example.com',
        ALERT_TO_EMAIL_1: 'ops@example.com',
        ALERT_TO_EMAIL_2: 'boss@example.com',
      },
    });
    feed = feedSamples(stack.prefix, () => Object.entries(values).map(([room, value]) => ({ name: 'temp', labels: { room }, value })));
  });
  afterAll(async () => {
    await feed?.stop();
    await stack?.stop();
    await slack?.close();
    await sink?.stop();
  });

  const alertOf = async (room: string) => {
    const client = trpcClient(stack.url, stack.apiToken);
    return waitFor(async () => (await client.alerts.list.query({})).find((a) => a.labels.room === room), { what: `the alert of room ${room}` });
  };
  const post = (init: RequestInit) => fetch(`${stack.url}/api/integrations/slack/actions`, init);

  it('acknowledges from a Slack button, checked with Slack’s signature', async () => {
    const alert = await alertOf('a');
    const message = await waitFor(() => slack.json<{ blocks: { type: string; elements?: { action_id: string; value?: string }[] }[] }>().find((m) => JSON.stringify(m).includes(alert.id)), {
      what: 'the Slack message',
    });
    const ack = message.blocks.find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === 'vigia_acknowledge')!;
    expect(ack.value).toBe(alert.id);
    const res = await post(slackRequest(actionBody('vigia_acknowledge', alert.id)));
    expect(res.status).toBe(200);
    const detail = await trpcClient(stack.url, stack.apiToken).alerts.get.query({ id: alert.id });
    expect(detail.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'slack:ana' });
    expect(detail.audit.map((a) => [a.actor, a.action])).toContainEqual(['slack:ana', 'alert.acknowledge']);
  });

  it('refuses forged, stale and replayed requests with 401, and malformed signed ones with 400', async () => {
    const alert = await alertOf('b');
    const body = actionBody('vigia_resolve', alert.id, 'mallory');
    expect((await post(slackRequest(body, { secret: 'wrong-secret' }))).status).toBe(401);
    expect((await post({ ...slackRequest(body), headers: { ...slackRequest(body).headers, 'x-slack-signature': 'v0=00' } })).status).toBe(401);
    expect((await post(slackRequest(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }))).status).toBe(401);
    expect((await post({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status).toBe(401);
    const once = slackRequest(body);
    expect((await post(once)).status).toBe(200);
    expect((await post(once)).status).toBe(401); // the same request again
    expect((await trpcClient(stack.url, stack.apiToken).alerts.get.query({ id: alert.id })).alert).toMatchObject({ status: 'resolved', resolvedBy: 'slack:mallory' });
    for (const bad of ['payload=not-json', 'nothing=here', actionBody('vigia_delete_everything', alert.id), actionBody('vigia_acknowledge', 'no-such-alert')]) {
      const res = await post(slackRequest(bad));
      expect(res.status, bad).toBe(400);
    }
  });

  it('silences for 1 h from a signed email link, after a confirmation page, as the recipient', async () => {
    const alert = await alertOf('c');
    const client = trpcClient(stack.url, stack.apiToken);
    const detail = await waitFor(
      async () => {
        const d = await client.alerts.get.query({ id: alert.id });
        return d.notifications.find((n) => n.channel === 'email' && n.state === 'delivered') ? d : null;
      },
      { what: 'the email' },
    );
    const id = detail.notifications.find((n) => n.channel === 'email')!.id;
    // One copy per recipient, each with links signed for that recipient.
    const mails = await waitFor(
      () => (sink.all().filter((m) => m.headers['x-vigia-notification-id'] === id).length === 2 ? sink.all().filter((m) => m.headers['x-vigia-notification-id'] === id) : null),
      { what: 'two copies' },
    );
    expect(mails.map((m) => m.rcpt_tos[0]).sort()).toEqual(['boss@example.com', 'ops@example.com']);
    const mail = mails.find((m) => m.rcpt_tos[0] === 'ops@example.com')!;
    const links = [...mail.text!.matchAll(/https?:\/\/\S+\/act\/[A-Za-z0-9_.-]+/g)].map((m) => m[0]);
    expect(links).toHaveLength(2);
    const silenceLink = links[1]!.replace(/^https?:\/\/[^/]+/, stack.url);
    const confirm = await fetch(silenceLink);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('ops@example.com');
    expect((await client.silences.list.query()).length).toBe(0); // looking changed nothing
    const done = await fetch(silenceLink, { method: 'POST' });
    expect(done.status).toBe(200);
    expect((await client.silences.list.query())[0]).toMatchObject({ createdBy: 'ops@example.com', matchers: { rule: 'Hot', labels: { room: 'c' } } });
    const tampered = silenceLink.slice(0, -3) + (silenceLink.endsWith('aaa') ? 'bbb' : 'aaa');
    expect((await fetch(tampered, { method: 'POST' })).status).toBe(400);
  });
});

describe('a Slack message updated in place', () => {
  it('posts once per alert and edits that message on every transition (chat.update)', async () => {
    // A stand-in for Slack's Web API: JSON answers, the message's channel and ts.
    const slackApi = await startHttpReceiver((req) => {
      const body = JSON.parse(req.body) as { channel: string; ts?: string };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, channel: 'C42', ts: body.ts ?? '1700000000.000200' }) };
    });
    const calls = () => slackApi.requests.map((r) => ({ method: r.path.split('/').pop()!, ts: (JSON.parse(r.body) as { ts?: string }).ts }));
    const stack = await startStack({
      yaml: `collectors:\n  system: { enabled: false }\nalerts:\n  evaluation_interval: 300ms\n  collector_down: { enabled: false }\n  rules:\n    - { name: Hot, metric: temp, operator: ">", threshold: 50, severity: critical }\nchannels:\n  slack: { type: slack, bot_token: xoxb-test, channel: "#alerts", api_url: "${slackApi.url}/api" }\n`,
    });
    let value = 99;
    const feed = feedSamples(stack.prefix, () => [{ name: 'temp', value }]);
    try {
      const client = trpcClient(stack.url, stack.apiToken);
      const alert = await waitFor(async () => (await client.alerts.list.query({}))[0], { what: 'the alert' });
      await waitFor(() => calls().length === 1, { what: 'the first message' });
      await client.alerts.acknowledge.mutate({ id: alert.id });
      await waitFor(() => calls().length === 2, { what: 'the edit after the acknowledgement' });
      value = 1;
      await waitFor(() => calls().length === 3, { what: 'the edit after the resolution' });
      expect(calls()).toEqual([
        { method: 'chat.postMessage', ts: undefined },
        { method: 'chat.update', ts: '1700000000.000200' },
        { method: 'chat.update', ts: '1700000000.000200' },
      ]);
    } finally {
      await feed.stop();
      await stack.stop();
      await slackApi.close();
    }
  });
});
