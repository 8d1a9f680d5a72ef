import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '@vigia/api';
import { createLogger } from '@vigia/log';
import { startSmtpSink, waitFor } from '@vigia/testing';
import { collectPageErrors, launchBrowser, screenshot } from '../src/browser.ts';
import { trpcClient } from '../src/client.ts';
import { feedSamples, type SampleFeed } from '../src/sample-feed.ts';
import { startStack, type Stack } from '../src/stack.ts';

// Generous: two cores shared by PostgreSQL, Redis, the worker, the API and chromium.
const WAIT = { timeout: 30_000 };
const RECIPIENT = 'ops@example.com';

const yaml = `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 5s }
  rules:
    - { name: Disk Nearly Full, metric: disk_used, operator: ">", threshold: 90, severity: critical, channels: [email] }
`;

/** The acknowledge and silence links of the mail, pointed at this test's API (the mail names the configured public URL). */
function linksIn(text: string, base: string): { acknowledge: string; silence: string } {
  const find = (label: string) => {
    const url = new RegExp(`^${label}:\\s+(\\S+/act/\\S+)$`, 'm').exec(text)?.[1];
    if (!url) throw new Error(`no ${label} link in the mail:\n${text}`);
    return `${base}${new URL(url).pathname}`;
  };
  return { acknowledge: find('Acknowledge'), silence: find('Silence') };
}

/** What a browser's <form method="post"> sends: an empty url-encoded body. */
const formPost = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });

describe('acknowledge and silence links in a delivered mail', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let stack: Stack;
  let second: RunningApi;
  let browser: Browser;
  let alertId = '';
  let links: { acknowledge: string; silence: string };
  let feed: SampleFeed | undefined;

  beforeAll(async () => {
    sink = await startSmtpSink();
    [stack, browser] = await Promise.all([
      startStack({ yaml, env: { EMAIL_ALERTS_ENABLED: 'true', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), ALERT_FROM_EMAIL: 'vigia@example.com', ALERT_TO_EMAIL_1: RECIPIENT } }),
      launchBrowser(),
    ]);
    // A second API process on the same database and Redis: a link used on one is used on both.
    second = await startApi({ config: stack.config, store: stack.store, logger: createLogger('test', 'warn').child('api-2'), keyPrefix: stack.prefix, port: 0 });
    feed = feedSamples(stack.prefix, () => [{ name: 'disk_used', labels: { mount: '/' }, value: 97 }]);
    const client = trpcClient(stack.url, stack.apiToken);
    const alert = await waitFor(async () => (await client.alerts.list.query({ status: 'firing' }))[0], { what: 'the alert to fire', timeoutMs: 30_000 });
    alertId = alert.id;
    const mail = await waitFor(() => sink.all().find((m) => m.rcpt_tos.includes(RECIPIENT)), { what: 'the mail', timeoutMs: 30_000 });
    links = linksIn(mail.text ?? '', stack.url);
  });

  afterAll(async () => {
    await feed?.stop();
    await browser?.close();
    await second?.close();
    await stack?.stop();
    await sink?.stop();
  });

  it('acknowledges from the browser: the mailed link, its button, and the recipient recorded as actor', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    const errors = collectPageErrors(page);
    await page.goto(links.acknowledge);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Acknowledge?');
    expect(await page.locator('dd').allTextContents()).toContain(RECIPIENT);
    await screenshot(page, 'action-link-confirm');

    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Acknowledge' }).click()]);
    expect(answer.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('Acknowledged');
    await screenshot(page, 'action-link-acknowledged');
    expect(errors).toEqual([]);
    await page.close();

    const client = trpcClient(stack.url, stack.apiToken);
    const detail = await client.alerts.get.query({ id: alertId });
    expect(detail.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: RECIPIENT });
    const audited = await client.audit.list.query({ targetType: 'alert', targetId: alertId });
    expect(audited.filter((e) => e.action === 'alert.acknowledge').map((e) => e.actor)).toEqual([RECIPIENT]);
  });

  it('silences once: the same link posted again, to either API process, answers 409 and creates nothing', async () => {
    const silenceUrlOnSecond = links.silence.replace(stack.url, second.url);
    const answers: { status: number; body: string }[] = [];
    for (const url of [links.silence, silenceUrlOnSecond, links.silence]) {
      const response = await formPost(url);
      answers.push({ status: response.status, body: await response.text() });
    }
    expect(answers.map((a) => a.status)).toEqual([200, 409, 409]);
    expect(answers[1]!.body).toContain('This link was already used');

    const client = trpcClient(stack.url, stack.apiToken);
    const silences = await client.silences.list.query({ includeEnded: true });
    expect(silences.map((s) => s.createdBy)).toEqual([RECIPIENT]);
    const audited = await client.audit.list.query({ actor: RECIPIENT });
    expect(audited.filter((e) => e.action === 'silence.create')).toHaveLength(1);
  });
});
