import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { waitFor } from '@vigia/testing';
import { WAIT, newPage, screenshot, signIn, startDashboard } from '../src/browser.ts';
import { trpcClient } from '../src/client.ts';
import type { Stack } from '../src/stack.ts';

describe('the dashboard: uptime and status page incidents', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let incidentId: number;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ stack, browser } = await startDashboard({
      worker: false,
      yaml: `collectors:
  system: { enabled: false }
status_page:
  enabled: true
  refresh: 500ms
  components:
    - { name: Website, probe: shop }
    - { name: Payments, match: { labels: { service: payments } } }
`,
    }));
    // Two hours of results for the "shop" probe, the last quarter failing.
    const now = Date.now();
    const samples: StoredSample[] = [];
    for (let t = now - 2 * 3600e3; t < now; t += 30_000) samples.push({ name: 'probe_success', labels: { probe: 'shop', host: 'a' }, value: t > now - 1800e3 ? 0 : 1, timestamp: t });
    await new HistoryStore(stack.store.sql).insert(samples);
    const incident = await trpcClient(stack.url, stack.apiToken).statusPage.create.mutate({
      title: 'Card payments failing',
      impact: 'major',
      components: ['Payments'],
      message: 'We are looking into failed card payments.',
    });
    incidentId = incident.id;
    const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
    page = await newPage(context, errors);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows each probe’s uptime windows and daily bar', async () => {
    await page.goto('/login');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL((url) => url.pathname === '/', WAIT);
    await page.getByTestId('nav-uptime').click();
    const probe = page.getByTestId('uptime-probe').filter({ hasText: 'shop' });
    await probe.waitFor(WAIT);
    expect(await probe.getByTestId('uptime-24h').textContent()).toMatch(/^7\d\.\d{3} %$/);
    expect(await probe.getByTestId('uptime-bar').locator('span').count()).toBe(90);
    await screenshot(page, 'uptime-page');
  });

  it('posts an incident update from the form, and the public page shows it', async () => {
    await page.getByTestId('nav-incidents').click();
    const card = page.locator(`[data-testid="incident"][data-incident="${incidentId}"]`);
    await card.waitFor(WAIT);
    await card.getByTestId('incident-update-status').selectOption('monitoring');
    await card.getByTestId('incident-update-message').fill('A fix is out; payments are going through again.');
    await card.getByTestId('incident-update-submit').click();
    await card.getByTestId('incident-update').filter({ hasText: 'A fix is out' }).waitFor(WAIT);
    expect(await card.getByTestId('incident-status').textContent()).toBe('monitoring');
    await screenshot(page, 'status-incidents-page');

    const html = await waitFor(
      async () => {
        const text = await (await fetch(`${stack.url}/status`)).text();
        return text.includes('A fix is out; payments are going through again.') ? text : null;
      },
      { what: 'the update on /status' },
    );
    expect(html).toContain('Card payments failing');

    // An incident opened by hand from the dashboard goes on the page too.
    await page.goto('/incidents');
    await page.getByTestId('incident-new').click();
    await page.getByTestId('incident-new-title').fill('Scheduled provider migration');
    await page.getByTestId('incident-new-impact').selectOption('none');
    await page.getByLabel('Website').check();
    await page.getByTestId('incident-new-message').fill('Website may be slow for a few minutes.');
    await page.getByTestId('incident-new-submit').click();
    await page.getByTestId('incident-done').waitFor(WAIT);
    const opened = await waitFor(
      async () => {
        const s = (await (await fetch(`${stack.url}/status.json`)).json()) as { incidents: { title: string; impact: string; components: string[] }[] };
        return s.incidents.find((i) => i.title === 'Scheduled provider migration') ?? null;
      },
      { what: 'the hand-opened incident on /status' },
    );
    expect(opened).toMatchObject({ impact: 'none', components: ['Website'] });

    await page.goto('/status');
    expect(await page.locator('h1').textContent()).toBe('Service status');
    await screenshot(page, 'public-status-page');
    expect(errors).toEqual([]);
  });
});
