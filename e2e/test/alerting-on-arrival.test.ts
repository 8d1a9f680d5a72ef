import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { QUEUES, openQueue, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, startHttpReceiver, waitFor } from '@vigia/testing';
import { startStack, trpcClient, type Stack } from '../src/index.ts';

type Hook = { reason: string; notificationId: string; alertId: string; alert: { rule: string; value: number; labels: Record<string, string> } };

// The evaluation tick is an hour apart: whatever happens within the test is the work of the
// evaluation on arrival (a sample, or a timer set for a `for` deadline), never of a tick.
function yaml(hookUrl: string) {
  return `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 1h
  default_cooldown: 1h
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 2s, stalled_check: 2s }
  rules:
    - { name: Deadline, metric: arrival_deadline, operator: ">", threshold: 10, for: 3s, severity: warning, channels: [hook] }
    - { name: Instant, metric: arrival_instant, operator: ">", threshold: 10, clear_threshold: 5, for: 0s, severity: critical, channels: [hook] }
    - { name: Lingering, metric: arrival_linger, operator: ">", threshold: 10, for: 0s, keep_firing_for: 2s, severity: warning, channels: [hook] }
    - { name: Flapping, metric: arrival_flap, operator: ">", threshold: 10, for: 0s, severity: critical, channels: [hook] }
channels:
  hook:
    type: webhook
    url: ${hookUrl}/hook
`;
}

describe('rules evaluated as their samples arrive, not on the tick', () => {
  const redis = new Redis(TEST_REDIS_URL);
  let stack: Stack;
  let hook: Awaited<ReturnType<typeof startHttpReceiver>>;
  let ticksBefore = 0;

  const push = async (name: string, value: number) => {
    const res = await fetch(`${stack.url}/api/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ name, value, labels: { host: 'a' } }]),
    });
    expect(res.status).toBe(200);
  };
  const reasons = (rule: string) => hook.json<Hook>((b) => b.alert.rule === rule).map((b) => b.reason);
  const evaluateQueue = () => openQueue(QUEUES.evaluate.name, redis, redisKeys(stack.prefix), () => {});
  const ticksRun = async () => {
    const queue = evaluateQueue();
    try {
      const counts = await queue.getJobCounts('completed', 'failed', 'active');
      return counts.completed! + counts.failed! + counts.active!;
    } finally {
      await queue.close();
    }
  };

  beforeAll(async () => {
    hook = await startHttpReceiver();
    stack = await startStack({ yaml: yaml(hook.url) });
    // The scheduler's first tick may run at start; once it is over the next is an hour away.
    ({ ticks: ticksBefore } = await waitFor(
      async () => {
        const queue = evaluateQueue();
        try {
          const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
          return counts.wait === 0 && counts.active === 0 && counts.prioritized === 0 && counts.delayed! >= 1 ? { ticks: await ticksRun() } : null;
        } finally {
          await queue.close();
        }
      },
      { what: 'the first evaluate tick to be over' },
    ));
    await waitFor(() => stack.worker!.alerting.lease.held, { what: 'the worker to hold the evaluation lease' });
  });
  afterAll(async () => {
    await stack?.stop();
    await hook?.close();
    redis.disconnect();
  });

  it('a sample over the threshold is evaluated at once: a `for: 0s` rule fires without a tick', async () => {
    await push('arrival_instant', 50);
    await waitFor(() => reasons('Instant').includes('new'), { what: 'the firing webhook' });
    expect(await ticksRun()).toBe(ticksBefore);
  });

  it('resolves on the first sample past the clear threshold, not on one merely under the threshold', async () => {
    await push('arrival_instant', 8); // under 10 but above clear_threshold 5: still firing
    await push('arrival_instant', 3);
    await waitFor(() => reasons('Instant').includes('resolved'), { what: 'the resolved webhook' });
    const client = trpcClient(stack.url, stack.apiToken);
    const [alert] = await client.alerts.list.query({ rule: 'Instant' });
    const detail = await client.alerts.get.query({ id: alert!.id });
    expect(detail.events.map((e) => [e.type, e.value])).toEqual([
      ['firing', 50],
      ['resolved', 3],
    ]);
    expect(reasons('Instant')).toEqual(['new', 'resolved']);
    expect(await ticksRun()).toBe(ticksBefore);
  });

  it('a `for` that runs out between samples fires on its deadline, from one sample and no tick', async () => {
    await push('arrival_deadline', 50);
    const fired = await waitFor(() => hook.json<Hook>((b) => b.alert.rule === 'Deadline' && b.reason === 'new')[0], { what: 'the firing webhook' });
    expect(fired.alert.value).toBe(50);
    const client = trpcClient(stack.url, stack.apiToken);
    const [alert] = await client.alerts.list.query({ rule: 'Deadline' });
    const detail = await client.alerts.get.query({ id: alert!.id });
    const firedAt = Date.parse(detail.events.find((e) => e.type === 'firing')!.at);
    // Never before `for` has passed since the sample started the countdown.
    expect(firedAt - Date.parse(alert!.startedAt)).toBeGreaterThanOrEqual(3_000);
    expect(await ticksRun()).toBe(ticksBefore);
  });

  it('a `keep_firing_for` that runs out between samples resolves on its deadline', async () => {
    await push('arrival_linger', 50);
    await waitFor(() => reasons('Lingering').includes('new'), { what: 'the firing webhook' });
    const sentUnder = Date.now();
    await push('arrival_linger', 1);
    await waitFor(() => reasons('Lingering').includes('resolved'), { what: 'the resolved webhook' });
    const client = trpcClient(stack.url, stack.apiToken);
    const [alert] = await client.alerts.list.query({ rule: 'Lingering' });
    const detail = await client.alerts.get.query({ id: alert!.id });
    const at = (type: string) => Date.parse(detail.events.find((e) => e.type === type)!.at);
    // Not before keep_firing_for has passed since the sample under the threshold (one clock: the stack runs in this process).
    expect(at('resolved') - sentUnder).toBeGreaterThanOrEqual(2_000);
    expect(detail.events.map((e) => [e.type, e.value])).toEqual([
      ['firing', 50],
      ['resolved', 1],
    ]);
    expect(await ticksRun()).toBe(ticksBefore);
  });

  it('a series flapping on every sample still gives one message per cooldown', async () => {
    for (let i = 0; i < 6; i++) {
      await push('arrival_flap', i % 2 === 0 ? 50 : 1);
      // Each sample is evaluated before the next is sent, so every crossing is seen.
      await waitFor(
        async () =>
          (
            await stack.store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_states WHERE rule = 'Flapping' AND last_value = $1 AND status = $2`, [
              i % 2 === 0 ? 50 : 1,
              i % 2 === 0 ? 'firing' : 'inactive',
            ])
          ).rows[0]!.n === 1,
        { what: `crossing ${i + 1}` },
      );
    }
    await waitFor(() => hook.requests.filter((r) => r.body.includes('Flapping')).length >= 2, { what: 'the first two messages' });
    const client = trpcClient(stack.url, stack.apiToken);
    const episodes = await client.alerts.list.query({ rule: 'Flapping' });
    expect(episodes).toHaveLength(1);
    const detail = await client.alerts.get.query({ id: episodes[0]!.id });
    expect(detail.events.map((e) => e.type)).toEqual(['firing', 'resolved', 'reopened', 'resolved', 'reopened', 'resolved']);
    // Every outbox row is relayed within a second; nothing more than the first firing and its resolution.
    await waitFor(async () => (await stack.store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE state = 'pending'`)).rows[0]!.n === 0, {
      what: 'the outbox to be relayed',
    });
    expect(detail.notifications.map((n) => n.reason)).toEqual(['new', 'resolved']);
    expect(reasons('Flapping')).toEqual(['new', 'resolved']);
    expect(await ticksRun()).toBe(ticksBefore);
  });
});

describe('evaluation on arrival with two workers', () => {
  it('is done by one worker at a time, and by the other once that one stops', async () => {
    const hook = await startHttpReceiver();
    const stack = await startStack({ yaml: yaml(hook.url) });
    const second = await stack.startWorker();
    try {
      const workers = [stack.worker!, second];
      const holder = await waitFor(() => workers.find((w) => w.alerting.lease.held), { what: 'a worker to hold the lease' });
      expect(workers.filter((w) => w.alerting.lease.held)).toHaveLength(1);
      const push = async (host: string) => {
        const res = await fetch(`${stack.url}/api/metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify([{ name: 'arrival_instant', value: 50, labels: { host } }]),
        });
        expect(res.status).toBe(200);
      };
      const fired = (host: string) => hook.json<Hook>((b) => b.reason === 'new' && b.alert.labels.host === host);
      await push('before');
      await waitFor(() => fired('before').length, { what: 'the first alert' });

      await holder.stop();
      const other = workers.find((w) => w !== holder)!;
      // The tick is an hour away: only the evaluation on arrival, now on the other worker, can fire this one.
      await waitFor(() => other.alerting.lease.held, { what: 'the other worker to take the lease' });
      await push('after');
      await waitFor(() => fired('after').length, { what: 'the alert after the handover' });
      await new Promise((r) => setTimeout(r, 500));
      expect([fired('before').length, fired('after').length]).toEqual([1, 1]);
      if (holder === stack.worker) stack.worker = second;
    } finally {
      if (stack.worker !== second) await second.stop();
      await stack.stop();
      await hook.close();
    }
  });
});
