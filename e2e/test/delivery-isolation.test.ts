import { afterEach, describe, expect, it } from 'vitest';
import { startHttpReceiver, waitFor, type Responder } from '@vigia/testing';
import { testRuleYaml } from '../src/alerting-dashboard.ts';
import { authedFetch, feedSamples, startStack, trpcClient, type SampleFeed, type Stack } from '../src/index.ts';

type Hook = { reason: string; notificationId: string; alertId: string; alert: { labels: Record<string, string> } };

// One rule, two series: alerts A (host a) and B (host b) on the same channel.
const yaml = (hookUrl: string, timeout: string) => `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { attempts: 20, backoff: 500ms, timeout: ${timeout}, stalled_check: 2s }
  rules:
${testRuleYaml('0s', false)}channels:
  hook:
    type: webhook
    url: ${hookUrl}/hook
`;

const host = (body: string) => (JSON.parse(body) as Hook).alert.labels.host;

describe('one failing message does not hold back the others on its channel', () => {
  let stack: Stack | undefined;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>> | undefined;
  let feed: SampleFeed | undefined;
  const values: Record<string, number> = {};

  async function start(respond: Responder, timeout: string) {
    hook = await startHttpReceiver(respond);
    stack = await startStack({ yaml: yaml(hook.url, timeout) });
    Object.assign(values, { a: 0, b: 0 });
    feed = feedSamples(stack.prefix, () => Object.entries(values).map(([host, value]) => ({ name: 'test_value', labels: { host }, value })));
    return { hook, stack };
  }

  afterEach(async () => {
    await feed?.stop();
    // The receiver first: it drops a request left hanging, so the worker has nothing in flight.
    await hook?.close();
    await stack?.stop();
    stack = hook = feed = undefined;
  });

  /** B fires, is acknowledged and resolves; each message waited for by its arrival, none by a clock. */
  async function alertBLivesAndDies(s: Stack, h: NonNullable<typeof hook>) {
    const about = (reason: string) => h.json<Hook>((b) => b.alert.labels.host === 'b' && b.reason === reason)[0];
    values.b = 50;
    const fired = await waitFor(() => about('new'), { what: "alert B's firing message" });
    const res = await authedFetch(s.apiToken)(`${s.url}/api/alerts/${fired.alertId}/acknowledge`, { method: 'POST' });
    expect(res.status).toBe(200);
    await waitFor(() => about('acknowledged'), { what: "alert B's acknowledged message" });
    values.b = 1;
    await waitFor(() => about('resolved'), { what: "alert B's resolved message" });
  }

  it("delivers alert B's messages while alert A's message waits between retries", async () => {
    const { hook: h, stack: s } = await start((req) => (host(req.body) === 'a' ? 500 : 200), '2s');
    values.a = 50;
    // A's message has failed and waits for its next retry before B even fires.
    await waitFor(() => h.requests.filter((r) => host(r.body) === 'a').length >= 2, { what: 'alert A to be refused twice' });
    await alertBLivesAndDies(s, h);

    // A was not given up on: its message is still waiting to be retried, and the retries go on.
    const client = trpcClient(s.url, s.apiToken);
    const [alertA] = await client.alerts.list.query({ status: 'firing' });
    expect((await client.alerts.get.query({ id: alertA!.id })).notifications.map((n) => n.state)).toEqual(['enqueued']);
    const refused = h.requests.filter((r) => host(r.body) === 'a').length;
    await waitFor(() => h.requests.filter((r) => host(r.body) === 'a').length > refused, { what: 'alert A to be retried after B was served' });
    expect(h.requests.filter((r) => r.status === 200).map((r) => (JSON.parse(r.body) as Hook).reason)).toEqual(['new', 'acknowledged', 'resolved']);
  });

  it("delivers alert B's messages while alert A's attempt hangs", async () => {
    // A's receiver never answers; the delivery timeout is far beyond what the test waits for.
    const { hook: h, stack: s } = await start((req) => (host(req.body) === 'a' ? 'hang' : 200), '5m');
    values.a = 50;
    await waitFor(() => h.requests.some((r) => host(r.body) === 'a'), { what: "alert A's message to be in flight" });
    await alertBLivesAndDies(s, h);
    const toA = h.requests.filter((r) => host(r.body) === 'a');
    expect(toA.map((r) => r.status)).toEqual([null]);
  });
});
