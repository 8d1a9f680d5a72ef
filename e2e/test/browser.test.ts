import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, ensureWebBuild, launchBrowser, screenshot, signIn as fillLogin } from '../src/browser.ts';
import { startStack, type Stack } from '../src/stack.ts';

// Generous: two cores shared by PostgreSQL, Redis, the worker, the API and chromium.
const WAIT = { timeout: 30_000 };

describe('dashboard in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureWebBuild();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function open(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: stack.url, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    return { page, errors: collectPageErrors(page) };
  }

  // Enter, not a click: the form must work from the keyboard.
  const signIn = (page: Page, password = stack.adminPassword) => fillLogin(page, 'admin', password);

  const chartAttr = (page: Page, name: string) => page.getByTestId('chart-cpu_usage').getAttribute(`data-${name}`);

  it('shows the server’s message for a wrong password', async () => {
    const { page, errors } = await open();
    await page.goto('/');
    await page.waitForURL(/\/login\?next=%2F$/, WAIT);
    await page.getByTestId('login-form').waitFor();
    // Arrived by a redirect, ready to type: the username field has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), WAIT).toBe('login-username');
    await screenshot(page, 'browser-login');

    await signIn(page, 'not-the-password');
    await expect.poll(() => page.getByTestId('login-error').textContent(), WAIT).toContain('wrong username or password');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'browser-login-error');
    expect(errors).toEqual([]);
  });

  it('signs in, follows the host live, keeps the range in the URL and signs out', async () => {
    const { page, errors } = await open({ viewport: { width: 1280, height: 900 } });
    await page.goto('/system');
    await page.waitForURL(/\/login\?next=%2Fsystem$/, WAIT);
    await signIn(page);
    await page.waitForURL((url) => url.pathname === '/system', WAIT);

    // Host figures and facts, from metrics.current / system.info and then the live stream.
    await expect.poll(() => page.getByTestId('area-figures-cpu').textContent(), WAIT).toMatch(/\d %$/);
    await expect.poll(() => page.getByTestId('area-figures').textContent(), WAIT).toMatch(/iB of .*iB/);
    await expect.poll(() => page.getByTestId('host-name').textContent(), WAIT).toMatch(/\S/);
    await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');

    // The chart moves by itself: its newest point gets newer with nobody touching the page.
    await expect.poll(async () => Number(await chartAttr(page, 'points')), WAIT).toBeGreaterThan(0);
    const firstLast = Number(await chartAttr(page, 'last'));
    await expect.poll(async () => Number(await chartAttr(page, 'last')), WAIT).toBeGreaterThan(firstLast);
    const firstEdge = Number(await chartAttr(page, 'to'));
    await expect.poll(async () => Number(await chartAttr(page, 'to')), WAIT).toBeGreaterThan(firstEdge);
    await screenshot(page, 'browser-live');

    // A range is part of the address: pick one, then reload and find the same view.
    await page.getByTestId('range-1h').check();
    await page.waitForURL(/[?&]range=1h\b/, WAIT);
    const panel = page.getByTestId('chart-cpu_usage-panel');
    await expect.poll(async () => [await panel.getAttribute('data-window'), await panel.getAttribute('data-status')], WAIT).toEqual(['1h', 'ready']);
    await expect.poll(async () => Number(await chartAttr(page, 'to')) - Number(await chartAttr(page, 'from')), WAIT).toBe(3_600_000);
    await screenshot(page, 'browser-live-1h');

    await page.reload();
    expect(new URL(page.url()).searchParams.get('range')).toBe('1h');
    await expect.poll(() => page.getByTestId('range-1h').isChecked(), WAIT).toBe(true);
    await expect.poll(() => panel.getAttribute('data-window'), WAIT).toBe('1h');
    await expect.poll(async () => Number(await chartAttr(page, 'points')), WAIT).toBeGreaterThan(0);

    // Honest about the connection: offline when the browser is, live again once it is back.
    const status = () => page.getByTestId('live-indicator').getAttribute('data-status');
    await page.context().setOffline(true);
    await expect.poll(status, WAIT).toBe('offline');
    await screenshot(page, 'browser-live-offline');
    await page.context().setOffline(false);
    await expect.poll(status, WAIT).toBe('live');
    const lastBeforeOffline = Number(await chartAttr(page, 'last'));
    await expect.poll(async () => Number(await chartAttr(page, 'last')), WAIT).toBeGreaterThan(lastBeforeOffline);

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/, WAIT);
    await page.getByTestId('login-form').waitFor();
    await screenshot(page, 'browser-logged-out');
    // The session is gone on the server too: the page sends us back.
    await page.goto('/system?range=1h');
    await page.waitForURL(/\/login\?next=/, WAIT);
    expect(errors).toEqual([]);
  });

  it('fits a phone in dark mode and notices an ended session', async () => {
    const { page, errors } = await open({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    await page.goto('/login?next=%2Fsystem');
    await signIn(page);
    await page.waitForURL((url) => url.pathname === '/system', WAIT);
    await expect.poll(async () => Number(await chartAttr(page, 'points')), WAIT).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('area-figures-cpu').textContent(), WAIT).toMatch(/\d %$/);
    const { scrollWidth, innerWidth, background } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    expect(background).toBe('rgb(17, 20, 24)');
    await screenshot(page, 'browser-live-phone-dark');

    // A session that ends under an open page (expired, revoked) leads back to the login page.
    await page.context().clearCookies();
    // click, not check(): the page may leave before the radio's state can be confirmed.
    await page.getByTestId('range-6h').click();
    await page.waitForURL(/\/login\?next=%2Fsystem%3Frange%3D6h$/, WAIT);
    await expect.poll(() => page.getByTestId('login-notice').textContent(), WAIT).toContain('session has ended');
    expect(errors).toEqual([]);
  });
});
