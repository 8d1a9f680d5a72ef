import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRuleYaml } from '../src/alerting-dashboard.ts';
import { WAIT, fitsWidth, screenshot, signedInPage, startDashboard } from '../src/browser.ts';
import { feedSamples, writeSamples, type SampleFeed } from '../src/sample-feed.ts';
import type { Stack } from '../src/stack.ts';

const LONG_NAME = 'checkout_payment_gateway_latency_seconds_by_region';
const LONELY = 'lonely_metric';
// What a receiver might answer: one long token with no place to break a line.
const LONG_ERROR = `https://receiver.example.com/hooks/${'a1b2c3d4'.repeat(34)}`;

const yaml = (hookUrl: string) => `collectors:
  system: { enabled: false }
  postgres: { interval: 1s }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  rules:
${testRuleYaml('0s', false)}channels:
  hook:
    type: webhook
    url: ${hookUrl}/hook
`;

describe('the dashboard shows things as they are', () => {
  let receiver: Server;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let feed: SampleFeed | undefined;

  beforeAll(async () => {
    // A receiver that refuses every message (400: permanent) with a long unbreakable reason.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end(LONG_ERROR));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    ({ stack, browser } = await startDashboard({ yaml: yaml(hookUrl), env: { DB_HOST: '127.0.0.1', DB_PORT: '5432', DB_USER: 'postgres', DB_NAME: 'postgres' } }));
    // One sample, once: a series with a single point.
    await writeSamples(stack.prefix, [{ name: LONELY, value: 7 }]);
    feed = feedSamples(
      stack.prefix,
      () => [
        { name: 'test_value', labels: { host: 'a' }, value: 50 },
        { name: LONG_NAME, value: 0.25 },
      ],
      250,
    );
    page = await signedInPage(browser, stack, { errors, viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await feed?.stop();
    await browser?.close();
    await stack?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('keeps an alert page within the window when its delivery ledger holds a long error', async () => {
    const alertLink = page.getByTestId('open-alert-list').getByRole('link').first();
    await alertLink.click();
    await page.waitForURL(/\/alerts\/[^/]+$/, WAIT);
    // The refusal is in the ledger (the page reloads its detail as the alert changes).
    await expect
      .poll(async () => {
        await page.reload();
        return page
          .getByTestId('delivery-attempt')
          .first()
          .getAttribute('data-outcome', { timeout: 5_000 })
          .catch(() => null);
      }, WAIT)
      .toBe('permanent');
    await expect.poll(() => page.getByTestId('deliveries').textContent(), WAIT).toContain(LONG_ERROR.slice(0, 60));
    await screenshot(page, 'readability-alert-long-error');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
    expect(await fitsWidth(page)).toBe(true);
  });

  it('draws a series that has a single point', async () => {
    await page.goto('/custom');
    const chart = page.getByTestId(`chart-${LONELY}`);
    await expect.poll(() => chart.getAttribute('data-points'), WAIT).toBe('1');
    // Pixels of the series' own colour on the chart's canvas: a line of one point draws none.
    const coloured = async () =>
      chart.evaluate((host) => {
        const canvas = host.querySelector('canvas');
        if (!canvas) return -1;
        const probe = document.createElement('span');
        probe.style.color = getComputedStyle(host).getPropertyValue('--series-1');
        document.body.append(probe);
        const [r, g, b] = getComputedStyle(probe)
          .color.match(/\d+(\.\d+)?/g)!
          .map(Number) as [number, number, number];
        probe.remove();
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 200 && Math.abs(data[i]! - r) < 24 && Math.abs(data[i + 1]! - g) < 24 && Math.abs(data[i + 2]! - b) < 24) n++;
        }
        return n;
      });
    await expect.poll(coloured, WAIT).toBeGreaterThan(10);
    await screenshot(page, 'readability-single-point');
  });

  it('shows custom metric names on the overview as written, whole', async () => {
    await page.goto('/');
    const card = page.getByTestId('area-card-custom');
    const label = card.locator('dt', { hasText: LONG_NAME });
    await expect.poll(() => label.count(), WAIT).toBe(1);
    const shown = await label.evaluate((dt) => ({
      text: (dt as HTMLElement).innerText,
      transform: getComputedStyle(dt).textTransform,
      cut: dt.scrollWidth > dt.clientWidth,
      title: dt.getAttribute('title'),
    }));
    expect(shown).toEqual({ text: LONG_NAME, transform: 'none', cut: false, title: LONG_NAME });
    await screenshot(page, 'readability-overview-names');
  });

  it('labels what collectors published in words on System info, not raw keys', async () => {
    await page.goto('/system-info');
    const published = page.getByRole('region', { name: 'What collectors published' });
    await expect.poll(() => published.innerText(), WAIT).toContain('not installed');
    // innerText is what a person reads: after text-transform.
    const text = await published.innerText();
    expect(text).not.toMatch(/PGSTATSTATEMENTS|pgStatStatements/);
    expect(text).toContain('pg_stat_statements');
    await screenshot(page, 'readability-system-info');
  });

  it('gives every user on the Users page the date their account was created', async () => {
    await page.goto('/admin/users');
    const created = page.locator('[data-testid="user-row"][data-username="admin"]');
    const year = String(new Date().getFullYear());
    await expect.poll(() => created.innerText(), WAIT).toContain(year);
    expect(errors).toEqual([]);
  });
});
