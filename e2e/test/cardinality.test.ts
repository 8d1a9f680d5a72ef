import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { Redis } from 'ioredis';
import { startApi, type RunningApi } from '@vigia/api';
import { createLogger } from '@vigia/log';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { authedFetch, collectPageErrors, ensureWebBuild, launchBrowser, signIn, startStack, type Stack } from '../src/index.ts';

type Current = { metrics: { name: string; labels: Record<string, string>; value: number }[] };
type PushResult = { accepted: number; rejected: { index: number; error: string }[] };

const WAIT = { timeout: 30_000 };

describe('series limits on pushed samples', () => {
  let stack: Stack;
  let second: RunningApi | undefined;
  const push = async (url: string, samples: unknown[]) => {
    const res = await fetch(`${url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' }, body: JSON.stringify(samples) });
    return { status: res.status, body: (await res.json()) as PushResult };
  };
  const rejectedTotal = async (reason: string) => {
    const text = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    return Number(text.match(new RegExp(`^vigia_ingest_rejected_total\\{reason="${reason}"\\} (\\d+)$`, 'm'))?.[1] ?? 0);
  };

  beforeAll(async () => {
    // No worker: nothing but these pushes creates series, so the per-minute budget is ours alone.
    stack = await startStack({
      worker: false,
      yaml: 'limits:\n  series_per_metric: 5\n  new_series_per_minute: 12\n  labels_per_sample: 3\n  label_value_length: 50\n',
    });
  });
  afterAll(async () => {
    await second?.close();
    await stack?.stop();
  });

  it('refuses new series past the limits one by one, keeps the rest of the batch and counts each reason', async () => {
    const orders = Array.from({ length: 8 }, (_, i) => ({ name: 'orders', value: i, labels: { shop: `s${i}` } }));
    const others = Array.from({ length: 10 }, (_, i) => ({ name: `gauge_${i}`, value: i }));
    const { status, body } = await push(stack.url, [...orders, ...others]);
    expect(status).toBe(200);
    expect(body.accepted).toBe(12);
    expect(body.rejected.map((r) => r.index)).toEqual([5, 6, 7, 15, 16, 17]);
    expect(body.rejected[0]!.error).toBe('orders already has 5 series; a new label set is refused (limits.series_per_metric)');
    expect(body.rejected[3]!.error).toMatch(/^more than 12 new series this minute.*limits\.new_series_per_minute/);

    // Series already known are still taken whatever the limits say.
    const again = await push(stack.url, [
      { name: 'orders', value: 100, labels: { shop: 's0' } },
      { name: 'orders', value: 1, labels: { shop: 'new' } },
    ]);
    expect(again.body.accepted).toBe(1);
    expect(again.body.rejected.map((r) => r.index)).toEqual([1]);

    const current = ((await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current).metrics;
    expect(
      current
        .filter((m) => m.name === 'orders')
        .map((m) => m.labels.shop)
        .sort(),
    ).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(current.find((m) => m.name === 'orders' && m.labels.shop === 's0')!.value).toBe(100);
    expect(
      current
        .filter((m) => m.name.startsWith('gauge_'))
        .map((m) => m.name)
        .sort(),
    ).toEqual(['gauge_0', 'gauge_1', 'gauge_2', 'gauge_3', 'gauge_4', 'gauge_5', 'gauge_6']);
    expect(await rejectedTotal('series_limit')).toBe(4);
    expect(await rejectedTotal('new_series_rate')).toBe(3);
  });

  it('refuses too many labels and labels too long, naming the limit', async () => {
    const { body } = await push(stack.url, [
      { name: 'orders', value: 1, labels: { shop: 's1' } },
      { name: 'orders', value: 1, labels: { a: '1', b: '2', c: '3', d: '4' } },
      { name: 'orders', value: 1, labels: { shop: 'x'.repeat(51) } },
    ]);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 1, error: 'labels: 4 labels, at most 3 per sample (limits.labels_per_sample)' },
      { index: 2, error: 'labels.shop: the value is longer than 50 characters (limits.label_value_length)' },
    ]);
    expect(await rejectedTotal('labels_limit')).toBe(1);
    expect(await rejectedTotal('label_too_long')).toBe(1);
  });

  it('shares the known series with another API process on the same Redis', async () => {
    second = await startApi({ config: stack.config, store: stack.store, logger: createLogger('test', 'warn'), keyPrefix: stack.prefix, port: 0 });
    const { body } = await push(second.url, [
      { name: 'orders', value: 7, labels: { shop: 's4' } },
      { name: 'orders', value: 7, labels: { shop: 's9' } },
    ]);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, error: 'orders already has 5 series; a new label set is refused (limits.series_per_metric)' }]);
  });
});

describe('series limits on collected samples', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const app = `card${Math.random().toString(36).slice(2, 8)}:`;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      yaml: `collectors:\n  system: { enabled: false }\n  custom: { interval: 1s, prefix: "${app}" }\nlimits:\n  labels_per_sample: 2\nalerts:\n  collector_down: { enabled: false }\n`,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    const keys = await redis.keys(`${app}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('holds what the custom collector reads from Redis to the same limits', async () => {
    await redis.hset(`${app}custom_metric:signups`, { value: 3, tags: JSON.stringify({ plan: 'pro' }) });
    await redis.hset(`${app}custom_metric:wide`, { value: 1, tags: JSON.stringify({ a: '1', b: '2', c: '3' }) });
    await redis.sadd(`${app}custom_metrics`, 'signups', 'wide');
    const get = authedFetch(stack.apiToken);
    await waitFor(async () => ((await (await get(`${stack.url}/api/metrics/current`)).json()) as Current).metrics.some((m) => m.name === 'signups'), { what: 'the custom metric within the limits' });
    await waitFor(async () => /^vigia_ingest_rejected_total\{reason="labels_limit"\} [1-9]/m.test(await (await get(`${stack.url}/metrics`)).text()), { what: 'the wide one counted as labels_limit' });
    const current = ((await (await get(`${stack.url}/api/metrics/current`)).json()) as Current).metrics;
    expect(current.some((m) => m.name === 'wide')).toBe(false);
  });
});

describe('a chart of many series in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    ensureWebBuild();
    [stack, browser] = await Promise.all([startStack({ yaml: 'collectors:\n  system: { enabled: false }\nalerts:\n  collector_down: { enabled: false }\n' }), launchBrowser()]);
    context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('draws the top 20 by value, says how many more, and finds the others by name', async () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ name: 'tenant_requests', value: i, labels: { tenant: `t${String(i).padStart(2, '0')}` } }));
    const res = await fetch(`${stack.url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' }, body: JSON.stringify(samples) });
    expect(((await res.json()) as PushResult).accepted).toBe(50);

    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    const errors = collectPageErrors(page);
    await page.goto('/custom');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL((url) => url.pathname === '/custom', WAIT);

    const chart = page.getByTestId('chart-tenant_requests');
    const panel = page.getByTestId('chart-tenant_requests-panel');
    const legend = panel.locator('.legend li');
    await expect.poll(() => chart.getAttribute('data-lines'), WAIT).toBe('20');
    expect(await legend.count()).toBe(20);
    await expect.poll(() => page.getByTestId('chart-tenant_requests-more').textContent(), WAIT).toMatch(/^\s*top 20 by value, 30 more\s*$/);
    // The 20 highest: t30 … t49.
    const names = await legend.locator('.name').allTextContents();
    expect(names.map((n) => n.trim()).sort()).toEqual(samples.slice(30).map((s) => expect.stringContaining(s.labels.tenant)));

    await page.getByTestId('chart-tenant_requests-filter').fill('t0');
    await expect.poll(() => chart.getAttribute('data-lines'), WAIT).toBe('10');
    await expect.poll(async () => (await legend.locator('.name').allTextContents()).some((n) => n.includes('t07')), WAIT).toBe(true);
    await expect.poll(() => page.getByTestId('chart-tenant_requests-more').textContent(), WAIT).toMatch(/^\s*10 matching\s*$/);
    expect(errors).toEqual([]);
  });
});
