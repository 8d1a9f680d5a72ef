import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { waitFor } from '@vigia/testing';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { collectPageErrors, ensureWebBuild, launchBrowser, screenshot, signIn, startStack, trpcClient, type Stack } from '../src/index.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

describe('SLOs over the API', () => {
  let stack: Stack;
  const t0 = Math.floor(Date.now() / MIN) * MIN - 2 * HOUR;
  // Two hours of traffic: 600 requests a minute, 3 of them failing (0.5 %).
  let errors = 0;
  let total = 0;

  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureWebBuild();
    stack = await startStack({
      worker: false,
      yaml: `slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    sli: { errors: api_errors_total, total: api_requests_total }
  - { name: typo, objective: 99, window: 7d, sli: { errors: api_erors_total, total: api_requests_total } }
`,
    });
    const samples: StoredSample[] = [];
    for (let t = t0; t < t0 + 2 * HOUR; t += MIN) {
      total += 600;
      errors += 3;
      samples.push({ name: 'api_requests_total', labels: {}, value: total, timestamp: t }, { name: 'api_errors_total', labels: {}, value: errors, timestamp: t });
    }
    await new HistoryStore(stack.store.sql).insert(samples);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('GET /api/slos lists each SLO with its objective, budget left and burn rates (bearer token)', async () => {
    expect((await fetch(`${stack.url}/api/slos`)).status).toBe(401);
    const res = await fetch(`${stack.url}/api/slos`, { headers: { authorization: `Bearer ${stack.apiToken}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { slos: Record<string, unknown>[] };
    expect(body.slos.map((s) => s.name)).toEqual(['api-availability', 'typo']);
    type SloRow = { burnRates: Record<string, number | null>; errorBudgetRemaining: number | null; timeToExhaustionSeconds: number | null };
    const [slo, typo] = body.slos as [SloRow, SloRow];
    expect(slo).toMatchObject({ name: 'api-availability', objective: 99.9, window: '30d', status: 'ticket', problems: [] });
    // 0.5 % errors against 0.1 % allowed: a burn rate of 5 in every window, the budget five times spent.
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) expect(slo.burnRates[window]).toBeCloseTo(5, 6);
    expect(slo.errorBudgetRemaining).toBeCloseTo(-400, 6);
    // Spent already: no time left.
    expect(slo.timeToExhaustionSeconds).toBe(0);
    expect(typo).toMatchObject({ name: 'typo', status: 'no_data', errorBudgetRemaining: null, problems: ['no series of api_erors_total has been reported'] });
    expect(Object.values(typo.burnRates).every((v) => v === null)).toBe(true);
  });

  it('the dashboard’s procedures: the list and a burn-down over the window', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const list = await client.slos.list.query();
    expect(list[0]).toMatchObject({ name: 'api-availability', status: 'ticket' });
    const down = await client.slos.burnDown.query({ name: 'api-availability' });
    expect(down.points.length).toBeGreaterThan(0);
    expect(down.points.at(-1)!.remaining).toBeCloseTo(-400, 6);
    await expect(client.slos.burnDown.query({ name: 'nope' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    // Backtest: burning at 5x is a ticket from its second minute on (1d and 2h past 3), never a page (6h and 30m need 6).
    const replay = await client.slos.backtest.query({ name: 'api-availability', from: t0, to: t0 + 2 * HOUR - MIN });
    expect(replay.pages).toBe(0);
    expect(replay.episodes).toEqual([{ start: t0 + 2 * MIN, pagedAt: null, end: null, severity: 'warning', peakBurn1h: expect.closeTo(5, 6) }]);
    await expect(client.slos.backtest.query({ name: 'api-availability', from: t0, to: t0 - 1 })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });

  it('/metrics exports vigia_slo_error_budget_remaining and vigia_slo_burn_rate{window}', async () => {
    const text = await (await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiToken}` } })).text();
    expect(text).toMatch(/^vigia_slo_error_budget_remaining\{slo="api-availability"\} -400(\.0+\d*)?$/m);
    expect(text).toMatch(/^vigia_slo_burn_rate\{slo="api-availability",window="1h"\} 5(\.0+\d*)?$/m);
    expect(text).not.toContain('slo="typo"');
  });

  it('the SLO page lists each SLO with its budget, burn rates and problems, and draws the burn-down', async () => {
    browser = await launchBrowser();
    const page = await (await browser.newContext({ baseURL: stack.url, viewport: { width: 1400, height: 900 } })).newPage();
    const errors = collectPageErrors(page);
    await page.goto('/slos');
    await signIn(page, 'admin', stack.adminPassword);
    const row = page.locator('[data-testid=slo-row][data-slo=api-availability]');
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.getByTestId('slo-budget').textContent(), { timeout: 30_000 }).toBe('-400.00 %');
    expect(await row.getByTestId('slo-status').textContent()).toBe('Ticket');
    expect(await row.getByTestId('slo-burn-1h').textContent()).toBe('5.00×');
    await page.getByText('typo: no series of api_erors_total has been reported').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=slo-burn-down] canvas').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'slos-page');
    expect(errors).toEqual([]);
  });
});

describe('SLOs in a running worker', () => {
  let stack: Stack;
  afterAll(() => stack?.stop());

  it('the worker’s evaluation tick pages on 2 % errors as one critical alert with the budget in its summary', async () => {
    stack = await startStack({
      worker: false,
      yaml: `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 1s
  collector_down: { enabled: false }
slos:
  - name: checkout
    objective: 99.9
    window: 30d
    sli: { errors: api_errors_total, total: api_requests_total }
    labels: { service: shop }
`,
    });
    // Ten minutes of stored traffic, 2 % failing, for the service the SLO selects (and a noisy one it does not).
    const now = Date.now();
    const samples: StoredSample[] = [];
    for (let i = 0; i <= 10; i++) {
      const t = now - (10 - i) * MIN;
      samples.push({ name: 'api_requests_total', labels: { service: 'shop' }, value: 1_000 * i, timestamp: t }, { name: 'api_errors_total', labels: { service: 'shop' }, value: 20 * i, timestamp: t });
      samples.push(
        { name: 'api_requests_total', labels: { service: 'other' }, value: 1_000 * i, timestamp: t },
        { name: 'api_errors_total', labels: { service: 'other' }, value: 900 * i, timestamp: t },
      );
    }
    await new HistoryStore(stack.store.sql).insert(samples);
    await stack.startWorker();
    const client = trpcClient(stack.url, stack.apiToken);
    const alert = await waitFor(async () => (await client.alerts.list.query({ status: ['firing'] }))[0], { timeoutMs: 60_000, what: 'the SLO page' });
    expect(alert).toMatchObject({ rule: 'SLO checkout (page)', severity: 'critical', labels: { slo: 'checkout' } });
    expect(alert.summary).toMatch(/^SLO checkout \(99\.9% over 30d\): error budget burning at 20\.0x over 1h and 20\.0x over 5m \(limit 14\.4x\); -?[\d.]+% of the budget left/);
    expect(await client.alerts.list.query({})).toHaveLength(1);
  }, 120_000);
});
