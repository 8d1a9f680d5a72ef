import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, waitFor } from '@vigia/testing';
import { trpcClient } from '../src/client.ts';
import { feedSamples, type SampleFeed } from '../src/sample-feed.ts';
import { startStack, type Stack } from '../src/stack.ts';

// Generous: two cores shared by PostgreSQL, Redis, the worker and the API.
const WAIT = { timeoutMs: 30_000 };
const SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH = 'twilio-auth-token-s3cret';
const PUSHOVER_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const ANA = '+5511999990001';
const BRUNO = '+351912345678';

const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe('SMS and Pushover channels in a running Vigia', () => {
  let twilio: Awaited<ReturnType<typeof startHttpReceiver>>;
  let pushover: Awaited<ReturnType<typeof startHttpReceiver>>;
  let stack: Stack;
  let feed: SampleFeed | undefined;

  const texts = () => twilio.requests.filter((r) => r.path.endsWith('/Messages.json')).map((r) => formOf(r.body));

  beforeAll(async () => {
    let sms = 0;
    twilio = await startHttpReceiver(() => ({ status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sid: `SM${++sms}`, status: 'queued' }) }));
    pushover = await startHttpReceiver(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 1, request: 'req', canceled: 0 }) }));
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 5s }
  rules:
    - { name: Hot Room, metric: temp, operator: ">", threshold: 50, severity: critical, channels: [oncall-sms, phone-pushover] }
channels:
  oncall-sms: { type: sms, url: "${twilio.url}", account_sid: ${SID}, auth_token: ${AUTH}, from: "+15005550006", to: ["${ANA}", "${BRUNO}"] }
  phone-pushover: { type: pushover, url: "${pushover.url}", token: ${PUSHOVER_TOKEN}, user: uQiRzpo4DXghDmr9QzzfQu27cmVRsG }
`,
    });
    feed = feedSamples(stack.prefix, () => [{ name: 'temp', labels: { room: 'a' }, value: 99 }]);
  });

  afterAll(async () => {
    await feed?.stop();
    await stack?.stop();
    await twilio?.close();
    await pushover?.close();
  });

  it('texts each number its own acknowledge link; the number that uses it is recorded as the actor', async () => {
    const [first, second] = await waitFor(() => (texts().length >= 2 ? texts() : undefined), { what: 'one SMS per number', ...WAIT });
    expect(texts()).toHaveLength(2);
    expect([first!.To, second!.To].sort()).toEqual([ANA, BRUNO].sort());
    const auth = `Basic ${Buffer.from(`${SID}:${AUTH}`).toString('base64')}`;
    expect(twilio.requests.every((r) => r.headers.authorization === auth && r.path === `/2010-04-01/Accounts/${SID}/Messages.json`)).toBe(true);
    const ackLink = (to: string) => {
      const body = texts().find((t) => t.To === to)!.Body!;
      expect(body).toMatch(/^CRITICAL firing: Hot Room 99 \(> 50\) room=a Ack: \S+\/act\/\S+$/);
      return /Ack: (\S+)$/.exec(body)![1]!;
    };
    expect(ackLink(ANA)).not.toBe(ackLink(BRUNO));

    const pushed = await waitFor(() => pushover.json().find((b) => b.priority === 1), { what: 'the Pushover message', ...WAIT });
    expect(pushed).toMatchObject({ token: PUSHOVER_TOKEN, title: 'CRITICAL firing: Hot Room', html: 1 });

    // The link names the configured public URL; this test's API listens elsewhere.
    const acted = await fetch(`${stack.url}${new URL(ackLink(BRUNO)).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(acted.status).toBe(200);
    const client = trpcClient(stack.url, stack.apiToken);
    const [alert] = await client.alerts.list.query({});
    expect((await client.alerts.get.query({ id: alert!.id })).alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: BRUNO });

    const acks = await waitFor(() => (texts().filter((t) => t.Body!.startsWith('ACK by')).length >= 2 ? texts().filter((t) => t.Body!.startsWith('ACK by')) : undefined), {
      what: 'the acknowledgement texts',
      ...WAIT,
    });
    expect(acks.map((t) => t.Body)).toEqual([expect.stringMatching(new RegExp(`^ACK by \\${BRUNO}: Hot Room`)), expect.stringMatching(new RegExp(`^ACK by \\${BRUNO}: Hot Room`))]);
    await waitFor(() => pushover.requests.some((r) => r.path === '/1/receipts/cancel_by_tag/' + `vigia-${alert!.id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`), {
      what: 'the emergency repeats cancelled',
      ...WAIT,
    });
  });

  it('lists the channels with their secrets masked and test-sends to every number', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const listed = await client.channels.list.query();
    const sms = listed.find((c) => c.name === 'oncall-sms')!;
    expect(sms.config).toMatchObject({ auth_token: '***', account_sid: SID });
    expect(listed.find((c) => c.name === 'phone-pushover')!.config).toMatchObject({ token: '***', user: '***' });
    expect(JSON.stringify(listed)).not.toContain(AUTH);
    expect(JSON.stringify(listed)).not.toContain(PUSHOVER_TOKEN);

    const before = texts().length;
    expect(await client.channels.test.mutate({ name: 'oncall-sms' })).toMatchObject({ delivered: true });
    const tests = texts().slice(before);
    expect(tests.map((t) => t.To).sort()).toEqual([ANA, BRUNO].sort());
    expect(tests.every((t) => t.Body!.startsWith('Vigia test: this number gets Vigia alerts from channel oncall-sms.'))).toBe(true);
  });
});
