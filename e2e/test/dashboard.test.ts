import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_RULE, startAlertingDashboard, type AlertingDashboard } from '../src/alerting-dashboard.ts';
import { WAIT, fitsWidth, newPage, screenshot, signIn } from '../src/browser.ts';
import type { Stack } from '../src/stack.ts';

describe('the dashboard, on call', () => {
  let stack: Stack;
  let browser: Browser;
  let admin: BrowserContext;
  let overview: Page;
  let inbox: Page;
  let alertId = '';
  const errors: string[] = [];
  // What the feed writes: a small wobble under the threshold until the test raises it.
  let level = 3;
  let tick = 0;
  let dashboard: AlertingDashboard | undefined;

  beforeAll(async () => {
    dashboard = await startAlertingDashboard(() => level + (tick++ % 4) * 0.5);
    ({ stack, browser } = dashboard);
    admin = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => dashboard?.stop());

  const text = (page: Page, testid: string) => page.getByTestId(testid).first().textContent();

  it('signs in and the overview shows live values that change', async () => {
    overview = await newPage(admin, errors);
    await overview.goto('/');
    await overview.waitForURL(/\/login\?next=%2F$/, WAIT);
    await screenshot(overview, 'dashboard-login');
    await signIn(overview, 'admin', stack.adminPassword);
    await overview.waitForURL((url) => url.pathname === '/', WAIT);

    await expect.poll(() => overview.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');
    await expect.poll(() => text(overview, 'figure-system-cpu'), WAIT).toMatch(/\d %$/);
    await expect.poll(() => overview.getByTestId('area-card-system').getAttribute('data-health'), WAIT).toBe('ok');
    await expect.poll(() => overview.getByTestId('all-clear').isVisible(), WAIT).toBe(true);
    // The custom card follows test_value from the live stream: it changes with nobody touching the page.
    await expect.poll(() => text(overview, 'figure-custom-m0'), WAIT).toMatch(/^\d/);
    const first = await text(overview, 'figure-custom-m0');
    await expect.poll(() => text(overview, 'figure-custom-m0'), WAIT).not.toBe(first);
    await expect.poll(async () => Number(await overview.getByTestId('spark-system').getAttribute('data-points')), WAIT).toBeGreaterThan(1);
    await screenshot(overview, 'dashboard-overview');
  });

  it('zooms a System chart by dragging, and the URL keeps the window', async () => {
    await overview.getByTestId('nav-system').click();
    await overview.waitForURL((url) => url.pathname === '/system', WAIT);
    const chart = overview.getByTestId('chart-cpu_usage');
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), WAIT).toBeGreaterThan(3);
    await screenshot(overview, 'dashboard-system');

    const plot = chart.locator('.u-over');
    const box = (await plot.boundingBox())!;
    const y = box.y + box.height / 2;
    await overview.mouse.move(box.x + box.width * 0.35, y);
    await overview.mouse.down();
    await overview.mouse.move(box.x + box.width * 0.6, y, { steps: 8 });
    await overview.mouse.move(box.x + box.width * 0.85, y, { steps: 8 });
    await overview.mouse.up();

    await overview.waitForURL((url) => url.searchParams.has('from') && url.searchParams.has('to'), WAIT);
    const url = new URL(overview.url());
    const from = Date.parse(url.searchParams.get('from')!);
    const to = Date.parse(url.searchParams.get('to')!);
    expect(to - from).toBeGreaterThan(0);
    expect(url.searchParams.has('range')).toBe(false);
    await expect.poll(async () => [Number(await chart.getAttribute('data-from')), Number(await chart.getAttribute('data-to'))], WAIT).toEqual([from, to]);
    await expect.poll(() => overview.getByTestId('range-custom').isChecked(), WAIT).toBe(true);
    await expect.poll(() => overview.getByTestId('chart-cpu_usage-panel').getAttribute('data-status'), WAIT).toBe('ready');
    await screenshot(overview, 'dashboard-system-zoomed');

    // A link to this view shows the same window.
    const other = await newPage(admin, errors);
    await other.goto(url.pathname + url.search);
    const again = other.getByTestId('chart-cpu_usage');
    await expect.poll(async () => [Number(await again.getAttribute('data-from')), Number(await again.getAttribute('data-to'))], WAIT).toEqual([from, to]);
    await other.close();

    // And back to the live edge.
    await overview.getByTestId('range-live').click();
    await overview.waitForURL((u) => !new URL(u).searchParams.has('from'), WAIT);
    await expect.poll(async () => Number(await chart.getAttribute('data-to')), WAIT).toBeGreaterThan(to);
  });

  it('shows an alert fired by the test rule in the overview and the inbox without a reload', async () => {
    await overview.getByTestId('nav-overview').click();
    await overview.waitForURL((url) => url.pathname === '/', WAIT);
    inbox = await newPage(admin, errors);
    await inbox.goto('/alerts');
    await inbox.getByTestId('inbox-empty').waitFor(WAIT);
    // Set in the page, so a reload (which would clear it) cannot pass for a live update.
    for (const page of [overview, inbox]) await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

    level = 50;

    const openRow = overview.getByTestId('open-alert-list').getByTestId('alert-row').filter({ hasText: TEST_RULE });
    await openRow.waitFor(WAIT);
    expect(await openRow.getAttribute('data-status')).toBe('firing');
    await expect.poll(() => overview.getByTestId('area-card-custom').getAttribute('data-health'), WAIT).toBe('critical');
    await expect.poll(() => overview.getByTestId('alert-toast').textContent(), WAIT).toContain(`New critical alert: ${TEST_RULE}`);
    await expect.poll(() => overview.getByTestId('nav-firing-count').textContent(), WAIT).toMatch(/^1/);
    await screenshot(overview, 'dashboard-overview-firing');

    const inboxRow = inbox.getByTestId('inbox').getByTestId('alert-row').filter({ hasText: TEST_RULE });
    await inboxRow.waitFor(WAIT);
    alertId = (await inboxRow.getAttribute('data-alert-id'))!;
    expect(alertId).toBeTruthy();
    await screenshot(inbox, 'dashboard-alerts');

    for (const page of [overview, inbox]) expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  });

  it('acknowledges it with a comment on its page, and the timeline shows who and why', async () => {
    await inbox.getByTestId('inbox').getByTestId('alert-link').filter({ hasText: TEST_RULE }).first().click();
    await inbox.waitForURL((url) => url.pathname === `/alerts/${alertId}`, WAIT);
    await inbox
      .getByTestId('timeline-event')
      .filter({ has: inbox.locator('[data-type="firing"]') })
      .or(inbox.locator('[data-testid="timeline-event"][data-type="firing"]'))
      .first()
      .waitFor(WAIT);
    // The webhook got it: the page lists the delivery to the channel and its outcome.
    await expect.poll(() => inbox.locator('[data-testid="delivery-attempt"][data-outcome="delivered"]').count(), WAIT).toBeGreaterThan(0);

    await inbox.getByTestId('acknowledge-button').click();
    await inbox.getByTestId('acknowledge-comment').fill('Looking into it: test feed runaway');
    await inbox.getByTestId('acknowledge-submit').click();

    const acked = inbox.locator('[data-testid="timeline-event"][data-type="acknowledged"]');
    await acked.waitFor(WAIT);
    expect(await acked.getByTestId('timeline-comment').textContent()).toBe('Looking into it: test feed runaway');
    expect(await acked.getByTestId('timeline-actor').textContent()).toBe('admin');
    await expect.poll(() => inbox.getByTestId('alert-status').textContent(), WAIT).toBe('acknowledged');
    await expect.poll(() => inbox.getByTestId('unacknowledge-button').isVisible(), WAIT).toBe(true);
    await screenshot(inbox, 'dashboard-alert-acknowledged');

    // The other open tab follows by itself.
    const openRow = overview.getByTestId('open-alert-list').getByTestId('alert-row').filter({ hasText: TEST_RULE });
    await expect.poll(() => openRow.getAttribute('data-status'), WAIT).toBe('acknowledged');
    expect(await overview.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  });

  it('shows a viewer no action buttons, and the API refuses their forged acknowledge with 403', async () => {
    await stack.api!.deps.auth.createUser('viewer', 'viewer-password-1', 'viewer');
    const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
    try {
      const page = await newPage(context, errors);
      await page.goto(`/alerts/${alertId}`);
      await page.waitForURL(/\/login/, WAIT);
      await signIn(page, 'viewer', 'viewer-password-1');
      await page.waitForURL((url) => url.pathname === `/alerts/${alertId}`, WAIT);
      await page.getByTestId('timeline').waitFor(WAIT);
      await expect.poll(() => page.getByTestId('current-role').textContent(), WAIT).toBe('viewer');
      expect(await page.getByTestId('acknowledge-button').count()).toBe(0);
      expect(await page.getByTestId('alert-actions').count()).toBe(0);
      expect(await page.getByTestId('nav-admin').count()).toBe(0);
      await screenshot(page, 'dashboard-alert-viewer');

      const forged = await page.request.post('/trpc/alerts.acknowledge', { data: { id: alertId, comment: 'forged' } });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain('operator');

      // The overview offers a viewer no quick acknowledge either.
      await page.getByTestId('nav-overview').click();
      await page.getByTestId('open-alert-list').waitFor(WAIT);
      expect(await page.getByTestId('open-alert-list').getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
      await page.goto('/admin/users');
      await page.getByTestId('forbidden').waitFor(WAIT);
    } finally {
      await context.close();
    }
  });

  it('renders every view, with a screenshot of each', async () => {
    // A third tab of the same browser: with every tab holding its own live streams, six
    // connections per server would be used up and this one would hang.
    const page = await newPage(admin, errors);
    const views: [string, string, string][] = [
      ['/', 'overview', 'area-cards'],
      ['/system', 'area-system', 'chart-cpu_usage'],
      ['/api', 'area-api', 'area-empty'],
      ['/database', 'area-database', 'top-queries'],
      ['/cache', 'area-cache', 'area-empty'],
      ['/business', 'area-business', 'area-empty'],
      ['/custom', 'area-custom', 'chart-test_value'],
      ['/alerts', 'alerts-inbox', 'inbox'],
      [`/alerts/${alertId}`, 'alert', 'timeline'],
      ['/rules', 'rules', 'rules-table'],
      [`/rules/${encodeURIComponent(TEST_RULE)}`, 'rule', 'rule-chart'],
      ['/channels', 'channels', 'channel'],
      ['/admin/users', 'admin-users', 'tokens-panel'],
      ['/system-info', 'system-info', 'collectors-table'],
      ['/activity', 'activity', 'activity-chart'],
    ];
    for (const [path, name, testid] of views) {
      await page.goto(path);
      await page.getByTestId(testid).first().waitFor(WAIT);
      expect(await page.getByTestId('app-error').count(), path).toBe(0);
      await screenshot(page, `dashboard-view-${name}`);
    }

    // The custom area charts test_value with the rule's threshold and the episode shaded.
    await page.goto('/custom');
    const custom = page.getByTestId('chart-test_value');
    await expect.poll(async () => [await custom.getAttribute('data-thresholds'), Number(await custom.getAttribute('data-episodes'))], WAIT).toEqual(['1', 1]);

    // A rule's backtest over the chart's window, with what it found.
    await page.goto(`/rules/${encodeURIComponent(TEST_RULE)}`);
    await page.getByTestId('backtest-run').click();
    await expect.poll(() => page.getByTestId('backtest-summary').textContent(), WAIT).toMatch(/Would (not )?have fired/);
    await screenshot(page, 'dashboard-view-rule-backtest');

    // Channels: a test send through the webhook, with its outcome.
    await page.goto('/channels');
    await page.getByTestId('channel-test').click();
    await expect.poll(() => page.getByTestId('channel-test-outcome').textContent(), WAIT).toContain('Delivered');
    await screenshot(page, 'dashboard-view-channels-tested');

    // Tokens: shown once, with a copy button.
    await page.goto('/admin/users');
    await page.getByTestId('new-token-name').fill('e2e-script');
    await page.getByTestId('new-token-submit').click();
    await expect.poll(() => page.getByTestId('new-token-value').textContent(), WAIT).toMatch(/\S{16,}/);
    expect(await page.getByTestId('copy-button').isVisible()).toBe(true);
    await screenshot(page, 'dashboard-view-admin-token');
    await page.close();

    // A phone in dark mode: the menu opens over the page, and nothing scrolls sideways.
    const phone = await browser.newContext({ baseURL: stack.url, viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    try {
      const p = await newPage(phone, errors);
      await p.goto('/login');
      await signIn(p, 'admin', stack.adminPassword);
      await p.waitForURL((url) => url.pathname === '/', WAIT);
      await expect.poll(() => text(p, 'figure-system-cpu'), WAIT).toMatch(/\d %$/);
      expect(await p.getByTestId('nav').isVisible()).toBe(false);
      expect(await fitsWidth(p)).toBe(true);
      await screenshot(p, 'dashboard-phone-overview');
      await p.getByTestId('nav-toggle').click();
      await p.getByTestId('nav').waitFor({ state: 'visible', ...WAIT });
      expect(await p.getByTestId('nav-toggle').getAttribute('aria-expanded')).toBe('true');
      await screenshot(p, 'dashboard-phone-menu');
      await p.getByTestId('nav-alerts').click();
      await p.waitForURL((url) => url.pathname === '/alerts', WAIT);
      expect(await p.getByTestId('nav').isVisible()).toBe(false);
      await p.getByTestId('inbox').waitFor(WAIT);
      expect(await fitsWidth(p)).toBe(true);
      await screenshot(p, 'dashboard-phone-alerts');
      await p.goto('/system');
      await p.getByTestId('chart-cpu_usage').waitFor(WAIT);
      expect(await fitsWidth(p)).toBe(true);
      await screenshot(p, 'dashboard-phone-system');
    } finally {
      await phone.close();
    }
    expect(errors).toEqual([]);
  });
});
