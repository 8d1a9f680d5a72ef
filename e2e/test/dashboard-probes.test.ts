import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { WAIT, screenshot, signedInPage, startDashboard } from '../src/browser.ts';
import { authedFetch } from '../src/client.ts';
import type { Stack } from '../src/stack.ts';

describe('the dashboard: probes added, paused and removed without touching monitoring.yaml', () => {
  let stack: Stack;
  let browser: Browser;
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.set(req.url ?? '/', (hits.get(req.url ?? '/') ?? 0) + 1);
      res.end('shop is ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ stack, browser } = await startDashboard({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  collector_down: { enabled: false }
probes:
  - name: from-file
    interval: 5s
    tcp: { host: 127.0.0.1, port: ${(server.address() as AddressInfo).port} }
`,
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('adds an HTTP probe through the form, which the worker then runs, and pauses and removes it', async () => {
    const errors: string[] = [];
    const page = await signedInPage(browser, stack, { errors });
    try {
      await page.getByTestId('nav-probes').click();
      const fileRow = page.locator('[data-testid="probe-row"][data-probe="from-file"]');
      await fileRow.waitFor(WAIT);
      expect(await fileRow.getAttribute('data-source')).toBe('config');
      expect(await fileRow.textContent()).toContain('read-only');

      await page.getByTestId('probe-new').click();
      await page.getByTestId('probe-name').fill('shop');
      await page.getByTestId('probe-interval').fill('1s');
      await page.getByTestId('probe-timeout').fill('1s');
      // A mistake first: the server's answer names the key and the problem.
      await page.getByTestId('probe-url').fill('ftp://shop.example.com/');
      await page.getByTestId('probe-submit').click();
      await expect.poll(() => page.getByTestId('probe-error').textContent(), WAIT).toContain('probes.shop.http.url: must start with http:// or https://');

      await page.getByTestId('probe-url').fill(`${base}/health`);
      await page.getByTestId('probe-keyword').fill('ok');
      await page.getByTestId('probe-headers').fill('Authorization: Bearer form-secret-1');
      await page.getByTestId('probe-labels').fill('team=web');
      await page.getByTestId('probe-submit').click();
      const row = page.locator('[data-testid="probe-row"][data-probe="shop"]');
      await row.waitFor(WAIT);
      expect(await row.getAttribute('data-source')).toBe('api');
      expect(await row.getByTestId('probe-target').textContent()).toBe(`${base}/health`);

      // The worker picks it up without a restart.
      await waitFor(() => (hits.get('/health') ?? 0) > 0, { what: 'the new probe to reach the server' });
      const get = authedFetch(stack.apiToken);
      await waitFor(
        async () => {
          const { metrics } = (await (await get(`${stack.url}/api/metrics/current`)).json()) as { metrics: { name: string; labels: Record<string, string>; value: number }[] };
          return metrics.some((m) => m.name === 'probe_success' && m.labels.probe === 'shop' && m.labels.team === 'web' && m.value === 1);
        },
        { what: 'probe_success 1 for the probe made in the form' },
      );

      // Editing shows the secret header as ***, never the token.
      await row.getByTestId('probe-edit').click();
      expect(await page.getByTestId('probe-headers').inputValue()).toBe('Authorization: ***');
      expect(await page.content()).not.toContain('form-secret-1');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await screenshot(page, 'probes-page');

      await row.getByTestId('probe-pause').click();
      await expect.poll(() => row.getAttribute('data-paused'), WAIT).toBe('true');
      await row.getByTestId('probe-remove').click();
      await row.getByTestId('probe-remove-confirm').click();
      await row.waitFor({ state: 'detached', ...WAIT });
      await expect.poll(() => page.getByTestId('probes-done').textContent(), WAIT).toContain('Probe “shop” removed.');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
