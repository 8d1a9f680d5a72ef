import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_RULE, alertingDashboardYaml, startAlertingDashboard, type AlertingDashboard } from '../src/alerting-dashboard.ts';
import { WAIT, fitsWidth, newPage, screenshot, signIn } from '../src/browser.ts';
import { trpcClient } from '../src/client.ts';
import type { Stack } from '../src/stack.ts';

const YAML_WINDOW = 'Yaml nightly';
// Credentials in the channels' URLs: the previews must never show them.
const DISCORD_TOKEN = 'discord-webhook-token-e2e';
const TEAMS_SIG = 'teams-sig-e2e-secret';

const oncallYaml = (hookUrl: string) =>
  alertingDashboardYaml(hookUrl, {
    hookTemplate: '{{ severity }}: {{ rule }} ({{ reason }})',
    channels: `  plain:
    type: webhook
    url: ${hookUrl}/plain
  team-discord: { type: discord, url: ${hookUrl}/api/webhooks/123/${DISCORD_TOKEN} }
  team-teams: { type: teams, url: "${hookUrl}/workflows/abc/triggers/manual/paths/invoke?sig=${TEAMS_SIG}" }
`,
    extra: `maintenance_windows:
  - name: ${YAML_WINDOW}
    every: daily
    at: "03:00"
    duration: 1h
    timezone: UTC
    match: { rule: Some other rule }
`,
  });

describe('the dashboard: silences, maintenance, previews and the audit log', () => {
  let stack: Stack;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let alertId = '';
  const errors: string[] = [];
  let dashboard: AlertingDashboard | undefined;

  beforeAll(async () => {
    // Over the threshold from the start: this file is about what people do with an alert.
    let tick = 0;
    dashboard = await startAlertingDashboard(() => 50 + (tick++ % 4), oncallYaml);
    ({ stack, browser } = dashboard);
    admin = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => dashboard?.stop());

  const focused = (p: Page) => p.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  it('signs in as admin and finds the alert the test rule fired', async () => {
    page = await newPage(admin, errors);
    await page.goto('/login');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL((url) => url.pathname === '/', WAIT);
    await page.getByTestId('nav-alerts').click();
    const row = page.getByTestId('inbox').getByTestId('alert-row').filter({ hasText: TEST_RULE });
    await row.waitFor(WAIT);
    alertId = (await row.getAttribute('data-alert-id'))!;
    expect(alertId).toBeTruthy();
  });

  it('acknowledges it, and the alert page says who did what', async () => {
    await page.goto(`/alerts/${alertId}`);
    await page.getByTestId('alert-audit-empty').waitFor(WAIT);
    await page.getByTestId('acknowledge-button').click();
    await page.getByTestId('acknowledge-comment').fill('On it');
    await page.getByTestId('acknowledge-submit').click();
    const row = page.getByTestId('alert-audit').locator('[data-testid="audit-row"][data-action="alert.acknowledge"]');
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-actor')).toBe('admin');
    expect(await row.textContent()).toContain('On it');
  });

  it('silences it from its page with the form prefilled, and the alert shows as silenced', async () => {
    // From the keyboard: the button opens the form and puts the cursor where a person must type.
    await page.getByTestId('silence-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('silence-form').waitFor(WAIT);
    await expect.poll(() => focused(page), WAIT).toBe('silence-comment');
    expect(await page.getByTestId('silence-match-rule').inputValue()).toBe(TEST_RULE);
    expect(await page.getByTestId('silence-match-label-key').inputValue()).toBe('host');
    expect(await page.getByTestId('silence-match-label-value').inputValue()).toBe('a');
    expect(await page.getByTestId('silence-duration-1h').isChecked()).toBe(true);

    // The comment is required: an empty one is refused in the form, before the API.
    await page.getByTestId('silence-submit').click();
    await expect.poll(() => page.getByTestId('silence-error').textContent(), WAIT).toMatch(/say why/);

    await page.keyboard.type('Deploying the test feed');
    await page.getByTestId('silence-duration-4h').check();
    await screenshot(page, 'oncall-silence-form');
    await page.getByTestId('silence-submit').click();

    await page.getByTestId('silence-form').waitFor({ state: 'detached', ...WAIT });
    await expect.poll(() => page.getByTestId('alert-silence-done').textContent(), WAIT).toMatch(/Silence #\d+ created/);
    await expect.poll(() => page.getByTestId('alert-silenced').textContent(), WAIT).toContain('Deploying the test feed');
    await screenshot(page, 'oncall-alert-silenced');

    // The inbox marks it too.
    await page.goto('/alerts');
    const row = page.getByTestId('inbox').getByTestId('alert-row').filter({ hasText: TEST_RULE });
    await expect.poll(() => row.textContent(), WAIT).toContain('silenced');
  });

  it('lists the silence on /silences, ends it, and the alert is no longer silenced', async () => {
    await page.getByTestId('nav-silences').click();
    await page.waitForURL((url) => url.pathname === '/silences', WAIT);
    const row = page.getByTestId('silence-row').filter({ hasText: 'Deploying the test feed' });
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await row.getByTestId('silence-created-by').textContent()).toBe('admin');
    expect(await row.getByTestId('silence-matches').textContent()).toContain(TEST_RULE);
    expect(await row.getByTestId('silence-matches').textContent()).toContain('host=a');
    await screenshot(page, 'oncall-silences');

    await row.getByTestId('silence-end').click();
    await row.getByTestId('silence-end-confirm').click();
    await page.getByTestId('silences-empty').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('silences-done').textContent(), WAIT).toMatch(/ended/);

    await page.getByTestId('silences-include-ended').check();
    const ended = page.getByTestId('silence-row').filter({ hasText: 'Deploying the test feed' });
    await expect.poll(() => ended.getAttribute('data-state'), WAIT).toBe('ended');
    expect(await ended.getByTestId('silence-end').count()).toBe(0);
    await screenshot(page, 'oncall-silences-ended');

    await page.goto(`/alerts/${alertId}`);
    await page.getByTestId('timeline').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('alert-silenced').count(), WAIT).toBe(0);
  });

  it('creates a daily maintenance window, lists it next to the read-only one from the config, and deletes it', async () => {
    await page.getByTestId('nav-maintenance').click();
    await page.waitForURL((url) => url.pathname === '/maintenance', WAIT);
    const fromYaml = page.locator(`[data-testid="maintenance-row"][data-window="${YAML_WINDOW}"]`);
    await fromYaml.waitFor(WAIT);
    expect(await fromYaml.getAttribute('data-source')).toBe('config');
    expect(await fromYaml.getByTestId('maintenance-delete').count()).toBe(0);

    await page.getByTestId('maintenance-new').click();
    await expect.poll(() => focused(page), WAIT).toBe('maintenance-name');
    // The zone defaults to the browser's own.
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.getByTestId('maintenance-timezone').inputValue()).toBe(zone);
    await page.getByTestId('maintenance-name').fill('Nightly e2e');
    expect(await page.getByTestId('maintenance-every-daily').isChecked()).toBe(true);
    await page.getByTestId('maintenance-at').fill('02:30');
    await page.getByTestId('maintenance-duration').fill('90m');
    await page.getByTestId('maintenance-timezone').fill('Europe/Lisbon');
    await page.getByTestId('maintenance-match-rule').selectOption(TEST_RULE);
    await page.getByTestId('maintenance-comment').fill('backups');
    await screenshot(page, 'oncall-maintenance-form');
    await page.getByTestId('maintenance-submit').click();

    const created = page.locator('[data-testid="maintenance-row"][data-window="Nightly e2e"]');
    await created.waitFor(WAIT);
    expect(await created.getAttribute('data-source')).toBe('api');
    expect(await created.getByTestId('maintenance-schedule').textContent()).toBe('Daily at 02:30 for 1 h 30 min (Europe/Lisbon)');
    expect(await created.textContent()).toContain(TEST_RULE);
    await screenshot(page, 'oncall-maintenance');

    await created.getByTestId('maintenance-delete').click();
    await created.getByTestId('maintenance-delete-confirm').click();
    await created.waitFor({ state: 'detached', ...WAIT });
    expect(await fromYaml.count()).toBe(1);
  });

  it('previews a channel’s message for the alert in its medium’s format: the template rendered, the payload as JSON', async () => {
    await page.getByTestId('nav-channels').click();
    const card = page.locator('[data-testid="channel"][data-channel="hook"]');
    await card.waitFor(WAIT);
    await card.getByTestId('channel-preview').locator('summary').click();
    await card.getByTestId('channel-preview-alert').selectOption(alertId);
    await card.getByTestId('channel-preview-run').click();
    // Acknowledged above, so the message is the acknowledgement's.
    await expect.poll(() => card.getByTestId('channel-preview-message').textContent(), WAIT).toBe(`critical: ${TEST_RULE} (acknowledged)`);
    expect(await card.getByTestId('channel-preview-template').textContent()).toBe('{{ severity }}: {{ rule }} ({{ reason }})');
    // The webhook's JSON body carries the rendered text as its message.
    expect(await card.getByTestId('channel-preview-payload').getAttribute('data-format')).toBe('json');
    expect(JSON.parse((await card.getByTestId('channel-preview-payload').textContent())!)).toMatchObject({ alert: { message: `critical: ${TEST_RULE} (acknowledged)` } });

    const plain = page.locator('[data-testid="channel"][data-channel="plain"]');
    await plain.getByTestId('channel-preview').locator('summary').click();
    await plain.getByTestId('channel-preview-run').click();
    await plain.getByTestId('channel-preview-payload').waitFor(WAIT);
    const body = await plain.getByTestId('channel-preview-payload').textContent();
    for (const want of [TEST_RULE, 'critical', 'acknowledged', 'test_value is', `/alerts/${alertId}`]) expect(body).toContain(want);
    expect(await plain.getByTestId('channel-preview-message').count()).toBe(0);

    const discord = page.locator('[data-testid="channel"][data-channel="team-discord"]');
    await discord.getByTestId('channel-preview').locator('summary').click();
    await discord.getByTestId('channel-preview-run').click();
    const embed = discord.getByTestId('channel-preview-payload');
    await embed.waitFor(WAIT);
    expect(await embed.getAttribute('data-format')).toBe('json');
    const sent = JSON.parse((await embed.textContent())!) as { embeds: { title: string }[] };
    expect(sent.embeds[0]!.title).toContain(TEST_RULE);
    expect(await discord.getByTestId('channel-preview-result').textContent()).not.toContain(DISCORD_TOKEN);

    const teams = page.locator('[data-testid="channel"][data-channel="team-teams"]');
    await teams.getByTestId('channel-preview').locator('summary').click();
    await teams.getByTestId('channel-preview-alert').selectOption('sample');
    await teams.getByTestId('channel-preview-run').click();
    const adaptive = teams.getByTestId('channel-preview-payload');
    await adaptive.waitFor(WAIT);
    expect(await adaptive.textContent()).toContain('"type": "AdaptiveCard"');
    expect(await teams.getByTestId('channel-preview-rendered').textContent()).toContain('sample alert');
    expect(await teams.getByTestId('channel-preview-result').textContent()).not.toContain(TEAMS_SIG);
    await screenshot(page, 'oncall-channel-preview');
  });

  it('shows the silence’s creation by admin in the audit log, with filters', async () => {
    await page.getByTestId('nav-audit').click();
    await page.waitForURL((url) => url.pathname === '/audit', WAIT);
    const created = page.getByTestId('audit-log').locator('[data-testid="audit-row"][data-action="silence.create"]');
    await created.first().waitFor(WAIT);
    expect(await created.first().getAttribute('data-actor')).toBe('admin');
    expect(await created.first().textContent()).toContain('Deploying the test feed');
    await screenshot(page, 'oncall-audit');

    await page.getByTestId('audit-filter-action').selectOption('silence.create');
    await page.waitForURL((url) => url.searchParams.get('action') === 'silence.create', WAIT);
    await expect.poll(async () => new Set(await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))), WAIT).toEqual(new Set(['silence.create']));

    await page.getByTestId('audit-filter-actor').fill('nobody-here');
    await page.getByTestId('audit-filter-actor').press('Enter');
    await page.getByTestId('audit-empty').waitFor(WAIT);
    await page.getByTestId('audit-filter-clear').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), WAIT).toBeGreaterThan(3);
    await screenshot(page, 'oncall-audit-all');
  });

  it('shows a viewer silences, windows and the log without any button to change them', async () => {
    // Something for the viewer to be tempted by: an active silence and an API window.
    const client = trpcClient(stack.url, stack.apiToken);
    await client.silences.create.mutate({ match: { rule: TEST_RULE, labels: {} }, durationMs: 3_600_000, comment: 'held for the viewer test' });
    await client.maintenance.create.mutate({ name: 'Viewer window', every: 'weekly', at: '01:00', days: ['sat'], duration: '2h', timezone: 'UTC', match: { labels: {} } });
    await stack.api!.deps.auth.createUser('viewer', 'viewer-password-1', 'viewer');

    const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
    try {
      const p = await newPage(context, errors);
      await p.goto('/silences');
      await p.waitForURL(/\/login/, WAIT);
      await signIn(p, 'viewer', 'viewer-password-1');
      await p.waitForURL((url) => url.pathname === '/silences', WAIT);
      await p.getByTestId('silence-row').filter({ hasText: 'held for the viewer test' }).waitFor(WAIT);
      expect(await p.getByTestId('silence-new').count()).toBe(0);
      expect(await p.getByTestId('silence-end').count()).toBe(0);
      await screenshot(p, 'oncall-viewer-silences');

      await p.getByTestId('nav-maintenance').click();
      await p.locator('[data-testid="maintenance-row"][data-window="Viewer window"]').waitFor(WAIT);
      expect(await p.getByTestId('maintenance-new').count()).toBe(0);
      expect(await p.getByTestId('maintenance-delete').count()).toBe(0);

      await p.goto(`/alerts/${alertId}`);
      await p.getByTestId('timeline').waitFor(WAIT);
      await p.getByTestId('alert-audit').waitFor(WAIT);
      expect(await p.getByTestId('silence-button').count()).toBe(0);

      await p.getByTestId('nav-audit').click();
      await p.getByTestId('audit-log').waitFor(WAIT);

      // Hidden buttons are a courtesy; the API is the guard.
      const forged = await p.request.post('/trpc/silences.create', { data: { match: { labels: {} }, durationMs: 60_000, comment: 'forged' } });
      expect(forged.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('fits a phone in dark mode', async () => {
    const phone = await browser.newContext({ baseURL: stack.url, viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    try {
      const p = await newPage(phone, errors);
      await p.goto('/login');
      await signIn(p, 'admin', stack.adminPassword);
      await p.waitForURL((url) => url.pathname === '/', WAIT);
      for (const [path, testid, name] of [
        ['/silences', 'silences-table', 'silences'],
        ['/maintenance', 'maintenance-table', 'maintenance'],
        ['/audit', 'audit-log', 'audit'],
        ['/channels', 'channel', 'channels'],
      ] as const) {
        await p.goto(path);
        await p.getByTestId(testid).first().waitFor(WAIT);
        expect(await fitsWidth(p), path).toBe(true);
        await screenshot(p, `oncall-phone-${name}`);
      }
      await p.goto('/silences');
      await p.getByTestId('silence-new').click();
      await p.getByTestId('silence-form').waitFor(WAIT);
      expect(await fitsWidth(p)).toBe(true);
      await screenshot(p, 'oncall-phone-silence-form');
    } finally {
      await phone.close();
    }
    expect(errors).toEqual([]);
  });
});
