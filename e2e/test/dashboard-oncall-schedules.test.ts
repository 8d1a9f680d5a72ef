import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAIT, fitsWidth, screenshot, signedInPage, startDashboard } from '../src/browser.ts';
import type { Stack } from '../src/stack.ts';

const DAY = 86_400_000;

describe('dashboard: the On call page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  // bruno covers a few hours the day after tomorrow; ana is on call the rest of the time.
  const coverStart = Math.floor(Date.now() / DAY) * DAY + 2 * DAY + 10 * 3_600_000;

  beforeAll(async () => {
    ({ stack, browser } = await startDashboard({
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
    }));
    page = await signedInPage(browser, stack, { errors, viewport: { width: 1200, height: 900 } });
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

  it('an operator adds a person and a schedule from the page; those of monitoring.yaml stay read-only', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    const people = page.getByTestId('oncall-people');
    await people.getByTestId('oncall-person').first().waitFor(WAIT);
    expect(await people.getByTestId('oncall-person').count()).toBe(2);
    expect(await people.getByTestId('person-edit').count()).toBe(0);
    await people.getByTestId('person-add').click();
    const editor = people.getByTestId('oncall-person-editor');
    await editor.getByTestId('person-name').fill('carla');
    await editor.getByTestId('person-email').fill('carla@example.com');
    await editor.getByTestId('person-phone').fill('912');
    await editor.getByTestId('person-save').click();
    await expect(editor.getByTestId('person-error').textContent(WAIT)).resolves.toContain('phone: must be a phone number in international form');
    await editor.getByTestId('person-phone').fill('+351912345678');
    await editor.getByTestId('person-save').click();
    const carla = people.getByTestId('oncall-person').filter({ hasText: 'carla' });
    await carla.waitFor(WAIT);
    expect(await carla.textContent()).toContain('at once by mail');

    await page.getByTestId('schedule-new').click();
    const form = page.getByTestId('oncall-schedule-editor');
    await form.getByTestId('schedule-name').fill('Secondary');
    await form.getByTestId('schedule-time-zone').fill('Europe/Lisbon');
    await form.getByTestId('layer-participants').fill('carla');
    await form.getByTestId('layer-start').fill('2020-01-06');
    await form.getByTestId('schedule-save').click();
    const card = page.getByTestId('oncall-schedule').filter({ has: page.getByRole('heading', { name: 'Secondary' }) });
    await card.waitFor(WAIT);
    await expect(card.getByTestId('schedule-source').textContent()).resolves.toBe('added in the dashboard');
    // carla alone in the rotation: no hand-off to announce.
    await expect(card.getByTestId('oncall-now').textContent()).resolves.toMatch(/^\s*carla\s+no hand-off\s*$/);
    const primary = page.getByTestId('oncall-schedule').filter({ has: page.getByRole('heading', { name: 'Primary' }) });
    await expect(primary.getByTestId('schedule-source').textContent()).resolves.toBe('from monitoring.yaml');
    expect(await primary.getByTestId('schedule-edit').count()).toBe(0);
    await screenshot(page, 'oncall-page-edited');

    // Edited in place: the editor opens with the saved layers, and the calendar follows the change.
    await card.getByTestId('schedule-edit').click();
    const edit = page.getByTestId('oncall-schedule-editor');
    await expect(edit.getByTestId('layer-participants').inputValue()).resolves.toBe('carla');
    await edit.getByTestId('layer-participants').fill('carla, ana');
    await edit.getByTestId('schedule-save').click();
    await edit.waitFor({ state: 'detached', ...WAIT });
    await card.getByTestId('oncall-calendar').getByText('ana').first().waitFor(WAIT);

    await card.getByTestId('schedule-remove').click();
    await card.waitFor({ state: 'detached', ...WAIT });
    await carla.getByTestId('person-remove').click();
    await carla.waitFor({ state: 'detached', ...WAIT });
    expect(errors).toEqual([]);
  });

  it('shows a viewer the people’s names and kinds of contact, not their addresses', async () => {
    await stack.api!.deps.auth.createUser('oncall-page-viewer', 'viewer-password-5', 'viewer');
    const viewer = await signedInPage(browser, stack, { errors, viewport: { width: 1200, height: 900 }, user: { name: 'oncall-page-viewer', password: 'viewer-password-5' } });
    await viewer.goto('/oncall');
    const people = viewer.getByTestId('oncall-people');
    await people.getByTestId('oncall-person').first().waitFor(WAIT);
    expect(await people.getByTestId('oncall-person').locator('td:first-child').allTextContents()).toEqual(['ana', 'bruno']);
    expect(await people.getByTestId('person-contacts').allTextContents()).toEqual(['email', 'email']);
    expect(await people.textContent()).not.toContain('@example.com');
    expect(await people.getByTestId('person-add').count()).toBe(0);
    await viewer.context().close();
    expect(errors).toEqual([]);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
  });
});
