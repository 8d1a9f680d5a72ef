import { Redis } from 'ioredis';
import type { Browser, CDPSession } from 'playwright-core';
import { SampleWriter, redisKeys } from '@vigia/live';
import { launchBrowser, signIn } from '../e2e/src/browser.ts';
import type { Benchmark } from './benchmark.ts';
import { pollUntil, sleep } from './poll.ts';
import { formatMs } from './report.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';
import { buildWeb, measureBundle } from './web-bundle.ts';
import { startWebStack, type WebStack } from './web-stack.ts';

const TARGET_INITIAL_KB = 150;
const TARGET_OVERVIEW_MS = 1_000;
const TARGET_BUSY_PERCENT = 10;
const LOGINS = 10;
const CHARTS = 24;
const MEASURE_SECONDS = 30;
const METRIC = (i: number) => `bench_chart_${String(i + 1).padStart(2, '0')}`;

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/**
 * One sign-in as a person does it, in a fresh browser context (empty cache: the login page's
 * assets are fetched first, then the form is submitted). The app marks the submit and the moment
 * the overview shows current values (performance marks, on the page's own clock).
 */
async function timeLogin(browser: Browser, stack: WebStack): Promise<number> {
  const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-form').waitFor();
    // Let the login page finish its idle-time prefetch, as it would while someone types.
    await page.waitForLoadState('networkidle');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForFunction(() => performance.getEntriesByName('vigia:overview-ready').length > 0, undefined, { timeout: 30_000 });
    const shown = await page.getByTestId('figure-system-cpu').textContent();
    if (!shown || shown === '–') throw new Error(`overview marked ready without a CPU value (${shown})`);
    // Awaited here, not returned: the context is closed in `finally` the moment this returns.
    return await page.evaluate(() => {
      const submit = performance.getEntriesByName('vigia:login-submit')[0]!;
      const ready = performance.getEntriesByName('vigia:overview-ready')[0]!;
      return ready.startTime - submit.startTime;
    });
  } finally {
    await context.close();
  }
}

/** Writes each chart's metric once a second, spread over the second as independent sources would. */
function feedCharts(redis: Redis, prefix: string): { stop(): Promise<number> } {
  const writer = new SampleWriter(redis, redisKeys(prefix), { liveWindowMs: 3_600_000 });
  let running = true;
  let written = 0;
  const loop = (async () => {
    const start = performance.now();
    for (let tick = 0; running; tick++) {
      for (let i = 0; i < CHARTS && running; i++) {
        await sleep(Math.max(0, start + tick * 1000 + (i * 1000) / CHARTS - performance.now()));
        const name = METRIC(i);
        const value = 50 + 30 * Math.sin((tick + i) / 5) + Math.random() * 5;
        await writer.write({ source: 'bench', samples: [{ key: name, name, labels: {}, value, timestamp: Date.now() }] });
        written++;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return written;
    },
  };
}

async function metric(cdp: CDPSession, names: string[]): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(names.map((n) => [n, metrics.find((m) => m.name === n)?.value ?? Number.NaN]));
}

/** The custom area with 24 live charts, and the main thread's busy share over 30 s (CDP). */
async function measureCharts(browser: Browser, stack: WebStack, log: (line: string) => void) {
  const context = await browser.newContext({ baseURL: stack.url, viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.goto('/login?next=%2Fcustom');
    await signIn(page, 'admin', stack.adminPassword);
    await page.waitForURL((url) => url.pathname === '/custom');
    const charts = page.locator('[data-testid^="chart-bench_chart_"][data-points]');
    await pollUntil(async () => (await charts.count()) === CHARTS, `${CHARTS} charts on /custom`, { timeoutMs: 60_000 });
    // Every chart on screen at once: nothing is spared by being scrolled out of view.
    // Strings, not functions: this file is compiled without the DOM's types.
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: 1600, height: Math.min(height + 50, 8_000) });
    const visible = Number(
      await page.evaluate(`[...document.querySelectorAll('[data-testid^="chart-bench_chart_"][data-points]')]
        .filter((el) => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }).length`),
    );
    // Charts have their history and follow the stream before the clock starts.
    await pollUntil(async () => (await charts.evaluateAll((els) => els.every((el) => Number(el.getAttribute('data-points')) > 3))) || null, 'every chart drawing points', { timeoutMs: 60_000 });
    await sleep(3_000);

    const lastOf = () => charts.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-last'))));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    const names = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'Timestamp'];
    const lastBefore = await lastOf();
    const before = await metric(cdp, names);
    log(`measuring ${MEASURE_SECONDS} s with ${CHARTS} live charts (${visible} in the viewport)`);
    await sleep(MEASURE_SECONDS * 1000);
    const after = await metric(cdp, names);
    const lastAfter = await lastOf();
    const wall = after.Timestamp! - before.Timestamp!;
    const share = (n: string) => ((after[n]! - before[n]!) / wall) * 100;
    const moved = lastAfter.filter((t, i) => t > lastBefore[i]!).length;
    return {
      busyPercent: share('TaskDuration'),
      scriptPercent: share('ScriptDuration'),
      layoutPercent: share('LayoutDuration'),
      stylePercent: share('RecalcStyleDuration'),
      wallSeconds: wall,
      visible,
      chartsThatMoved: moved,
    };
  } finally {
    await context.close();
  }
}

/**
 * The dashboard's three figures: the initial download, the time from signing in to an overview
 * with numbers, and the main thread's load with 24 live charts.
 */
export const webBenchmark: Benchmark = {
  name: 'web',
  expectedSeconds: 90,
  run: async (log) => {
    log('building apps/web');
    buildWeb();
    const bundle = measureBundle();
    log(`initial JS + CSS: ${kb(bundle.initialGzipBytes)} KB gzipped in ${bundle.initial.length} files`);

    return withScratch(async ({ databaseUrl, prefix }) => {
      const stack = await startWebStack(databaseUrl, prefix);
      const redis = new Redis(REDIS_URL);
      const browser = await launchBrowser();
      let feed: ReturnType<typeof feedCharts> | undefined;
      try {
        // The overview only has numbers once the system collector has reported.
        await pollUntil(async () => {
          const res = await fetch(`${stack.url}/trpc/metrics.current`, { headers: { authorization: `Bearer ${stack.token}` } });
          const body = (await res.json()) as { result?: { data?: { metrics?: unknown[] } } };
          return (body.result?.data?.metrics?.length ?? 0) > 0;
        }, 'the first samples of the system collector');
        feed = feedCharts(redis, prefix);
        // One untimed round warms the server (JIT, connection pools), as any running install is.
        await timeLogin(browser, stack);
        const logins: number[] = [];
        for (let i = 0; i < LOGINS; i++) logins.push(await timeLogin(browser, stack));
        const login = distribution(logins);
        log(`sign-in → overview with values: median ${formatMs(login.p50)}, p95 ${formatMs(login.p95)} over ${LOGINS} sign-ins`);

        const charts = await measureCharts(browser, stack, log);
        const written = await feed.stop();
        feed = undefined;

        const initialKB = kb(bundle.initialGzipBytes);
        const pass = initialKB <= TARGET_INITIAL_KB && login.p50 <= TARGET_OVERVIEW_MS && charts.busyPercent <= TARGET_BUSY_PERCENT;
        return {
          target: `initial JS + CSS ≤ ${TARGET_INITIAL_KB} KB gzipped; overview ≤ ${TARGET_OVERVIEW_MS} ms after sign-in; ${CHARTS} live charts at 1 update/s: main thread busy ≤ ${TARGET_BUSY_PERCENT} %`,
          pass,
          headline: `initial ${initialKB} KB gz (≤ ${TARGET_INITIAL_KB}), overview median ${formatMs(login.p50)} / p95 ${formatMs(login.p95)} (≤ ${TARGET_OVERVIEW_MS} ms), ${CHARTS} charts busy ${charts.busyPercent.toFixed(1)} % (≤ ${TARGET_BUSY_PERCENT} %)`,
          details: [
            `initial download: ${bundle.initial.map((f) => `${f.file} ${kb(f.gzipBytes)} KB`).join(', ')} (+ index.html ${kb(bundle.htmlGzipBytes)} KB)`,
            `sign-in → overview with values over ${LOGINS} fresh contexts: min ${formatMs(login.min)}, median ${formatMs(login.p50)}, p95 ${formatMs(login.p95)}, max ${formatMs(login.max)}`,
            `${CHARTS} charts (${charts.visible} in the viewport, ${charts.chartsThatMoved} moved during the run), ${written} samples written: main thread busy ${charts.busyPercent.toFixed(1)} % (script ${charts.scriptPercent.toFixed(1)} %, layout ${charts.layoutPercent.toFixed(1)} %, style ${charts.stylePercent.toFixed(1)} %) over ${charts.wallSeconds.toFixed(1)} s`,
            ...(charts.chartsThatMoved < CHARTS ? [`WARNING: only ${charts.chartsThatMoved} of ${CHARTS} charts received samples during the run`] : []),
          ],
          figures: {
            initialJsCss: {
              gzipKB: initialKB,
              rawKB: kb(bundle.initialBytes),
              files: bundle.initial.map((f) => ({ ...f, gzipKB: kb(f.gzipBytes) })),
              indexHtmlGzipKB: kb(bundle.htmlGzipBytes),
              gzipLevel: 9,
            },
            overviewAfterLoginMs: { ...rounded(login), runs: logins.map((v) => Math.round(v)), measuredFrom: 'performance.mark vigia:login-submit → vigia:overview-ready (current values rendered)' },
            liveCharts: {
              charts: CHARTS,
              updatesPerChartPerSecond: 1,
              samplesWritten: written,
              inViewport: charts.visible,
              chartsThatMoved: charts.chartsThatMoved,
              seconds: Math.round(charts.wallSeconds * 10) / 10,
              mainThreadBusyPercent: Math.round(charts.busyPercent * 100) / 100,
              scriptPercent: Math.round(charts.scriptPercent * 100) / 100,
              layoutPercent: Math.round(charts.layoutPercent * 100) / 100,
              recalcStylePercent: Math.round(charts.stylePercent * 100) / 100,
              method: 'CDP Performance.getMetrics TaskDuration delta / Timestamp delta, headless chromium --disable-gpu',
            },
            targets: { initialGzipKB: TARGET_INITIAL_KB, overviewMedianMs: TARGET_OVERVIEW_MS, busyPercent: TARGET_BUSY_PERCENT },
          },
        };
      } finally {
        await feed?.stop();
        await browser.close();
        redis.disconnect();
        await stack.stop();
      }
    });
  },
};
