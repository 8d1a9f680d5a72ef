import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { WAIT, screenshot, signedInPage, startDashboard } from '../src/browser.ts';
import type { Stack } from '../src/stack.ts';

const MIN = 60_000;

describe('the dashboard: SLOs added, edited and removed without touching monitoring.yaml', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    ({ stack, browser } = await startDashboard({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  collector_down: { enabled: false }
slos:
  - { name: from-file, objective: 99, window: 7d, sli: { ratio: checkout_success_ratio } }
`,
    }));
    // Ten minutes of traffic, 1 % failing, for the SLO made in the form to show a budget.
    const now = Date.now();
    const samples: StoredSample[] = [];
    for (let i = 0; i <= 10; i++) {
      const t = now - (10 - i) * MIN;
      samples.push({ name: 'api_requests_total', labels: { service: 'shop' }, value: 1_000 * i, timestamp: t }, { name: 'api_errors_total', labels: { service: 'shop' }, value: 10 * i, timestamp: t });
    }
    await new HistoryStore(stack.store.sql).insert(samples);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('adds an SLO through the form, shows it with its budget, edits it and removes it', async () => {
    const errors: string[] = [];
    const page = await signedInPage(browser, stack, { errors, viewport: { width: 1400, height: 900 } });
    try {
      await page.getByTestId('nav-slos').click();
      const fileRow = page.locator('[data-testid="slo-row"][data-slo="from-file"]');
      await fileRow.waitFor(WAIT);
      expect(await fileRow.getAttribute('data-source')).toBe('config');
      expect(await fileRow.textContent()).toContain('read-only');

      await page.getByTestId('slo-new').click();
      await page.getByTestId('slo-name').fill('checkout');
      await page.getByTestId('slo-window').fill('30d');
      await page.getByTestId('slo-sli-kind').selectOption('errors');
      await page.getByTestId('slo-metric').fill('api_errors_total');
      await page.getByTestId('slo-total').fill('api_requests_total');
      await page.getByTestId('slo-labels').fill('service=shop');
      // A mistake first: the server's answer names the key and the problem, beside the form.
      await page.getByTestId('slo-objective').fill('100');
      await page.getByTestId('slo-submit').click();
      await expect.poll(() => page.getByTestId('slo-error').textContent(), WAIT).toContain('slos.checkout.objective: must be between 0 and 100 (exclusive)');
      await screenshot(page, 'slo-form-refusal');

      await page.getByTestId('slo-objective').fill('99.5');
      await page.getByTestId('slo-submit').click();
      const row = page.locator('[data-testid="slo-row"][data-slo="checkout"]');
      await row.waitFor(WAIT);
      expect(await row.getAttribute('data-source')).toBe('api');
      expect(await row.textContent()).toContain('99.5 % / 30d');
      // 1 % errors against 0.5 % allowed: a burn rate of 2, the budget spent twice over.
      await expect.poll(() => row.getByTestId('slo-burn-1h').textContent(), WAIT).toBe('2.00×');
      expect(await row.getByTestId('slo-budget').textContent()).toBe('-100.00 %');
      await expect.poll(() => page.getByTestId('slos-done').textContent(), WAIT).toContain('SLO “checkout” saved');

      // Editing starts from what was saved.
      await row.getByTestId('slo-edit').click();
      expect(await page.getByTestId('slo-objective').inputValue()).toBe('99.5');
      expect(await page.getByTestId('slo-labels').inputValue()).toBe('service=shop');
      await page.getByTestId('slo-objective').fill('99');
      await page.getByTestId('slo-submit').click();
      await expect.poll(() => row.textContent(), WAIT).toContain('99 % / 30d');
      await expect.poll(() => row.getByTestId('slo-budget').textContent(), WAIT).toBe('0.00 %');
      await screenshot(page, 'slos-editing');

      await row.getByTestId('slo-remove').click();
      await row.getByTestId('slo-remove-confirm').click();
      await row.waitFor({ state: 'detached', ...WAIT });
      await expect.poll(() => page.getByTestId('slos-done').textContent(), WAIT).toContain('SLO “checkout” removed');
      expect(await fileRow.isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
