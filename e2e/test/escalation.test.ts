import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, waitFor } from '@vigia/testing';
import { feedSamples, hotRoomsYaml, startStack, trpcClient, type SampleFeed, type Stack } from '../src/index.ts';

type Hook = { reason: string; alertId: string; alert: { labels: Record<string, string>; comment?: string } };

describe('escalation policies', () => {
  let stack: Stack;
  let first: Awaited<ReturnType<typeof startHttpReceiver>>;
  let pager: Awaited<ReturnType<typeof startHttpReceiver>>;
  let feed: SampleFeed | undefined;
  const rooms = new Set<string>();

  beforeAll(async () => {
    first = await startHttpReceiver();
    pager = await startHttpReceiver();
    stack = await startStack({
      yaml: hotRoomsYaml(
        `  routing: { critical: [first] }
  escalation:
    critical:
      - { after: 2s, channels: [pager] }
`,
        `channels:
  first: { type: webhook, url: "${first.url}/first" }
  pager: { type: webhook, url: "${pager.url}/pager" }
`,
      ),
    });
    feed = feedSamples(stack.prefix, () => [...rooms].map((room) => ({ name: 'temp', labels: { room }, value: 99 })));
  });
  afterAll(async () => {
    await feed?.stop();
    await stack?.stop();
    await first?.close();
    await pager?.close();
  });

  it('notifies the next channel when nobody acknowledges in time, and records it on the alert', async () => {
    rooms.add('a');
    const fired = await waitFor(() => first.json<Hook>((b) => b.alert.labels.room === 'a')[0], { what: 'the first notification' });
    const escalated = await waitFor(() => pager.json<Hook>((b) => b.alertId === fired.alertId)[0], { what: 'the escalation' });
    expect(escalated.reason).toBe('escalated');
    const detail = await trpcClient(stack.url, stack.apiToken).alerts.get.query({ id: fired.alertId });
    expect(detail.events.map((e) => e.type)).toEqual(['firing', 'escalated']);
    expect(detail.alert).toMatchObject({ status: 'firing' });
  });

  it('cancels the waiting steps when someone acknowledges', async () => {
    rooms.add('b');
    const fired = await waitFor(() => first.json<Hook>((b) => b.alert.labels.room === 'b')[0], { what: 'the first notification' });
    await trpcClient(stack.url, stack.apiToken).alerts.acknowledge.mutate({ id: fired.alertId, comment: 'on it' });
    await new Promise((r) => setTimeout(r, 3_000)); // past the 2 s step
    expect(pager.json<Hook>((b) => b.alertId === fired.alertId)).toEqual([]);
    const detail = await trpcClient(stack.url, stack.apiToken).alerts.get.query({ id: fired.alertId });
    expect(detail.events.map((e) => e.type)).toEqual(['firing', 'acknowledged']);
  });
});
