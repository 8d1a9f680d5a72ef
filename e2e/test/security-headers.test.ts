import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { waitFor } from '@vigia/testing';
import { TEST_RULE, alertingDashboardYaml, startAlertingDashboard, type AlertingDashboard } from '../src/alerting-dashboard.ts';
import { WAIT, newPage, signIn } from '../src/browser.ts';
import type { Stack } from '../src/stack.ts';

const yaml = (hookUrl: string) =>
  alertingDashboardYaml(hookUrl, {
    extra: `slos:
  - { name: test-availability, objective: 99.9, window: 30d, sli: { errors: api_errors_total, total: api_requests_total } }
oncall:
  users:
    ana: { email: ana@example.com, rules: [{ after: 0m, channel: hook }] }
  schedules:
    Primary:
      time_zone: Europe/Lisbon
      layers: [{ rotation: weekly, handoff: "09:00", participants: [ana], start: 2026-01-05 }]
`,
  });

/** The dashboard's route patterns, read from its router so a new page cannot escape this test. */
function dashboardRoutes(): string[] {
  const src = (path: string) => readFileSync(join(REPO_ROOT, 'apps/web/src', path), 'utf8');
  const paths = (text: string) => [...text.matchAll(/\bpath: '([^']+)'/g)].map((m) => m[1]!);
  return [...paths(src('routes.ts')), ...paths(src('lib/metrics/areas.ts'))].sort();
}

/** Every Content-Security-Policy violation any document of the page reports, as "directive: blocked uri". */
async function collectCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__vigiaCspViolation', (report: string) => violations.push(report));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __vigiaCspViolation(r: string): void }).__vigiaCspViolation(
        `${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${new URL(page.url()).pathname}: ${message.text()}`);
  });
  return violations;
}

describe('security headers', () => {
  let stack: Stack;
  let browser: Browser;
  let alertId = '';
  let actUrl = '';
  let dashboard: AlertingDashboard | undefined;

  beforeAll(async () => {
    dashboard = await startAlertingDashboard(() => 42, yaml);
    ({ stack, browser } = dashboard);
    const { hook } = dashboard;
    const delivered = await waitFor(() => hook.json<{ alertId: string; links: { acknowledge?: string } }>()[0], { what: 'the webhook with the alert', timeoutMs: 30_000 });
    alertId = delivered.alertId;
    actUrl = `${stack.url}${new URL(delivered.links.acknowledge!).pathname}`;
  });

  afterAll(() => dashboard?.stop());

  it('sends a CSP and frame protection with the dashboard, its assets, the API and the /act pages', async () => {
    const index = await fetch(`${stack.url}/`);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset, 'a script in index.html').toBeDefined();
    const responses = {
      '/': index,
      '/alerts (a dashboard route)': await fetch(`${stack.url}/alerts`),
      [asset!]: await fetch(`${stack.url}${asset}`),
      '/healthz': await fetch(`${stack.url}/healthz`),
      '/act/<valid token>': await fetch(actUrl),
      '/act/<forged token>': await fetch(`${stack.url}/act/forged.token`),
    };
    for (const [what, response] of Object.entries(responses)) {
      expect(response.ok || what.includes('forged'), `${what} answers`).toBe(true);
      expect(response.headers.get('x-frame-options'), `X-Frame-Options on ${what}`).toBe('DENY');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, `CSP on ${what}`).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
    }
    // The dashboard's own policy: its scripts only, never inline ones.
    const dashboardCsp = index.headers.get('content-security-policy')!;
    expect(dashboardCsp).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
    expect(dashboardCsp).toMatch(/(^|;)\s*object-src 'none'\s*(;|$)/);
    // The confirmation page runs no script at all.
    expect(responses['/act/<valid token>'].headers.get('content-security-policy')).toMatch(/(^|;)\s*default-src 'none'\s*(;|$)/);
  });

  it('shows every dashboard page without a single CSP violation', async () => {
    const visits: Record<string, { path: string; testid: string }> = {
      '/': { path: '/', testid: 'area-cards' },
      '/system': { path: '/system', testid: 'chart-cpu_usage' },
      '/api': { path: '/api', testid: 'area-empty' },
      '/database': { path: '/database', testid: 'top-queries' },
      '/cache': { path: '/cache', testid: 'area-empty' },
      '/business': { path: '/business', testid: 'area-empty' },
      '/custom': { path: '/custom', testid: 'chart-test_value' },
      '/alerts': { path: '/alerts', testid: 'inbox' },
      '/alerts/:id': { path: `/alerts/${alertId}`, testid: 'timeline' },
      '/rules': { path: '/rules', testid: 'rules-table' },
      '/rules/:name': { path: `/rules/${encodeURIComponent(TEST_RULE)}`, testid: 'rule-chart' },
      '/silences': { path: '/silences', testid: 'silences-page' },
      '/maintenance': { path: '/maintenance', testid: 'maintenance-page' },
      '/probes': { path: '/probes', testid: 'probes-page' },
      '/channels': { path: '/channels', testid: 'channel' },
      '/admin/users': { path: '/admin/users', testid: 'tokens-panel' },
      '/system-info': { path: '/system-info', testid: 'collectors-table' },
      '/activity': { path: '/activity', testid: 'activity-chart' },
      '/audit': { path: '/audit', testid: 'audit-page' },
      '/account': { path: '/account', testid: 'account-page' },
      '/slos': { path: '/slos', testid: 'slo-table' },
      '/uptime': { path: '/uptime', testid: 'uptime-page' },
      '/incidents': { path: '/incidents', testid: 'incidents-page' },
      '/oncall': { path: '/oncall', testid: 'oncall-schedule' },
      '/login': { path: '/login', testid: 'login-form' },
    };
    const routes = dashboardRoutes();
    for (const route of routes) expect(visits[route], `a visit for the route ${route}`).toBeDefined();

    const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const page = await newPage(context, errors);
    const violations = await collectCspViolations(page);
    try {
      // Signed out first: the login page is the one every visitor sees.
      const first = await page.goto(visits['/login']!.path);
      expect(first!.headers()['content-security-policy'] ?? 'no policy', 'the policy under test is sent').toContain("script-src 'self'");
      await page.getByTestId(visits['/login']!.testid).waitFor();
      await signIn(page, 'admin', stack.adminPassword);
      await page.waitForURL((url) => url.pathname === '/', WAIT);

      for (const route of routes) {
        if (route === '/login') continue;
        const { path, testid } = visits[route]!;
        await page.goto(path);
        await page.getByTestId(testid).first().waitFor();
        expect(await page.getByTestId('app-error').count(), route).toBe(0);
      }
      // Charts draw with inline styles (uPlot, tooltips): see one drawn and hovered.
      await page.goto('/system');
      const chart = page.getByTestId('chart-cpu_usage');
      await expect.poll(async () => Number(await chart.getAttribute('data-points')), WAIT).toBeGreaterThan(0);
      await chart.hover();
      const last = Number(await chart.getAttribute('data-last'));
      await expect.poll(async () => Number(await chart.getAttribute('data-last')), WAIT).toBeGreaterThan(last);
    } finally {
      await context.close();
    }
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
