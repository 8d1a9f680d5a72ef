import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, waitFor, type Responder, type ScriptedResponse } from '@vigia/testing';
import { feedSamples, startStack, trpcClient, type SampleFeed, type Stack } from '../src/index.ts';

type Embed = { title: string; description: string; color: number; fields: { name: string; value: string }[] };
type DiscordBody = { content: string; embeds: Embed[] };

const TOKEN = 'XXXXdiscordTOKENXXXX';
const RETRY_AFTER_S = 1.5;

function yaml(receiverUrl: string) {
  return `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 5s, stalled_check: 2s }
  rules:
    - name: Queue Backlog
      metric: queue_depth
      operator: ">"
      threshold: 100
      for: 1s
      severity: critical
      channels: [team-discord]
      annotations:
        summary: "queue_depth is {{ value }} on {{ labels.queue }}"
channels:
  team-discord: { type: discord, url: ${receiverUrl}/api/webhooks/1234567890/${TOKEN} }
`;
}

/** Discord's Execute Webhook: rate-limits the very first message, then answers with the created message. */
const discordLike: Responder = (_req, index): ScriptedResponse =>
  index === 0
    ? {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '2', 'x-ratelimit-reset-after': String(RETRY_AFTER_S) },
        body: JSON.stringify({ message: 'You are being rate limited.', retry_after: RETRY_AFTER_S, global: false }),
      }
    : { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `13000000000000000${index}`, type: 0 }) };

describe('an alert delivered to a Discord channel', () => {
  let discord: Awaited<ReturnType<typeof startHttpReceiver>>;
  let stack: Stack;
  let feed: SampleFeed | undefined;
  const bodies = () => discord.requests.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as DiscordBody);

  beforeAll(async () => {
    discord = await startHttpReceiver(discordLike);
    stack = await startStack({ yaml: yaml(discord.url) });
    feed = feedSamples(stack.prefix, () => [{ name: 'queue_depth', labels: { queue: 'mail' }, value: 250 }]);
  });
  afterAll(async () => {
    await feed?.stop();
    await stack?.stop();
    await discord?.close();
  });

  it('fires, waits out the 429 as long as Discord asked, then posts a red embed with a working acknowledge link', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const alert = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0], { what: 'the alert to fire', timeoutMs: 30_000 });
    const [fired] = await waitFor(() => (bodies().length ? bodies() : null), { what: 'the Discord message', timeoutMs: 30_000 });
    const [limited, posted] = discord.requests;
    expect(limited!.path).toBe(`/api/webhooks/1234567890/${TOKEN}?wait=true`);
    // The host's own backoff is 100 ms: only Discord's retry_after explains the wait.
    expect(posted!.at - limited!.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);

    const embed = fired!.embeds[0]!;
    expect(embed.color).toBe(0xe74c3c);
    expect(embed.title).toBe('🔴 CRITICAL firing: Queue Backlog (queue=mail)');
    expect(embed.description).toContain('**queue\\_depth is 250 on mail**');
    expect(embed.fields.find((f) => f.name === 'Value')!.value).toBe('250');

    const detail = await waitFor(
      async () => {
        const d = await client.alerts.get.query({ id: alert.id });
        return d.deliveries.some((x) => x.outcome === 'delivered') ? d : null;
      },
      { what: 'the delivery ledger' },
    );
    expect(detail.deliveries.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'retryable'],
      [2, 'delivered'],
    ]);
    expect(detail.deliveries[0]!.error).toContain('You are being rate limited.');
    expect(JSON.stringify(detail.deliveries)).not.toContain(TOKEN);

    // The Acknowledge link in the embed acts on the alert (POST, as the confirmation page does).
    const link = /\[Acknowledge\]\((\S+\/act\/[^)]+)\)/.exec(embed.description)?.[1];
    expect(link).toBeDefined();
    const res = await fetch(`${stack.url}${new URL(link!).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(res.status).toBe(200);
    const acked = await waitFor(() => bodies().find((b) => b.embeds[0]!.title.includes('acknowledged')), { what: 'the acknowledged message' });
    expect(acked.embeds[0]!.color).toBe(0x95a5a6);
  });

  it('lists the channel with its webhook URL masked and sends a test message on request', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const channels = await client.channels.list.query();
    expect(channels).toEqual([expect.objectContaining({ name: 'team-discord', type: 'discord', enabled: true, config: expect.objectContaining({ url: '***' }) })]);
    expect(JSON.stringify(channels)).not.toContain(TOKEN);
    const before = bodies().length;
    expect(await client.channels.test.mutate({ name: 'team-discord' })).toMatchObject({ delivered: true });
    const test = bodies().slice(before);
    expect(test).toHaveLength(1);
    expect(test[0]!.embeds[0]!.color).toBe(0x5865f2);
    expect(test[0]!.embeds[0]!.description).toContain('Test notification');
  });
});
