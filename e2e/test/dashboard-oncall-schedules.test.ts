import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, ensureWebBuild, fitsWidth, launchBrowser, screenshot, signIn } from '../src/browser.ts';
import { startStack, type Stack } from '../src/stack.ts';

// Generous: two cores shared by PostgreSQL, Redis, the worker, the API and chromium.
const WAIT = { timeout: 30_000 };
const DAY = 86_400_000;

describe('dashboard: the On call page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  // bruno covers a few hours the day after tomorrow; ana is on call the rest of the time.
  const coverStart = Math.floor(Date.now() / DAY) * DAY + 2 * DAY + 10 * 3_600_000;

  beforeAll(async () => {
    ensureWebBuild();
    [stack, browser] = await Promise.all([
      startStack({
        yaml: `collectors:
  system: { enabled: false }
alerts: { collector_down: { enabled: false } }
channels:
  mail: { type: email, host: 127.0.0.1, port: 9, from: vigia@example.com, to: [ops@example.com] }
oncall:
  users:
    ana: { email: ana@example.com, rules: [{ after: 0m, channel: mail }] }
    bruno: { email: bruno@example.com, rules: [{ after: 0m, channel: mail }] }
  schedules:
    Primary:
      time_zone: America/Sao_Paulo
      layers: [{ rotation: weekly, handoff: "09:00", participants: [ana], start: 2020-01-06 }]
      overrides: [{ user: bruno, start: "${new Date(coverStart).toISOString()}", end: "${new Date(coverStart + 4 * 3_600_000).toISOString()}" }]
`,
      }),
      launchBrowser(),
    ]);
    const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    errors.push(...collectPageErrors(page));
    await page.goto('/login');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL((url) => url.pathname === '/', WAIT);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows each schedule with who is on call now and next, and two weeks of days naming them', async () => {
    await page.getByTestId('nav-oncall').click();
    await page.waitForURL((url) => url.pathname === '/oncall', WAIT);
    const card = page.getByTestId('oncall-schedule');
    await expect(card.getByRole('heading', { name: 'Primary' }).textContent(WAIT)).resolves.toBe('Primary');
    await expect(card.getByTestId('oncall-now').textContent()).resolves.toMatch(/^\s*ana until /);
    await expect(card.getByTestId('oncall-next').textContent()).resolves.toMatch(/^\s*bruno from /);
    const days = card.getByTestId('oncall-calendar').locator('li');
    await days.first().waitFor(WAIT);
    expect(await days.count()).toBe(14);
    const texts = await days.allTextContents();
    expect(texts.every((t) => t.includes('ana'))).toBe(true);
    expect(texts.filter((t) => t.includes('bruno'))).toHaveLength(1);
    await screenshot(page, 'oncall-page');
    expect(errors).toEqual([]);
  });

  it('an operator adds an override from the page: it shows in the list and the calendar, and can be removed', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    const card = page.getByTestId('oncall-schedule');
    const form = card.getByTestId('oncall-override-form');
    await form.getByTestId('oncall-override-user').selectOption('bruno');
    // Tomorrow 08:00-12:00 in the browser's time zone, worked out by the browser.
    const tomorrow = await page.evaluate(() => {
      const d = new Date();
      d.setDate(d.getDate() + 1);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    });
    await form.getByTestId('oncall-override-starts').fill(`${tomorrow}T08:00`);
    await form.getByTestId('oncall-override-ends').fill(`${tomorrow}T12:00`);
    await form.getByTestId('oncall-override-comment').fill('bruno covers ana');
    await form.getByTestId('oncall-override-submit').click();
    const list = card.getByTestId('oncall-overrides');
    await list.getByText('bruno covers ana').waitFor(WAIT);
    const secondDay = card.getByTestId('oncall-calendar').locator('li').nth(1);
    await secondDay.getByText(/bruno/).waitFor(WAIT);
    expect(await secondDay.textContent()).toMatch(/bruno\s*08:00–12:00/);
    await list.getByTestId('oncall-override-remove').click();
    await list.waitFor({ state: 'detached', ...WAIT });
    await secondDay.getByText(/bruno/).waitFor({ state: 'detached', ...WAIT });
    expect(errors).toEqual([]);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
  });
});
