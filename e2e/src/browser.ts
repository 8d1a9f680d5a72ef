import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@vigia/config';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack, type StackOptions } from './stack.ts';

/** How long a browser test waits for the page: generous, two cores being shared by PostgreSQL, Redis, the worker, the API and chromium. */
export const WAIT = { timeout: 30_000 };

/** Debian's chromium; playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.VIGIA_CHROMIUM ?? '/usr/bin/chromium';

export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');

const WEB_DIST_INDEX = join(REPO_ROOT, 'apps/web/dist/index.html');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no browser at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set VIGIA_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Quiet and offline-friendly: no update checks, sync or QUIC probes competing with the test.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * The API serves apps/web/dist; build it when missing (under `npm test` turbo has built it
 * already). Must run before the stack starts, since the API looks for the build once at boot.
 */
export function ensureWebBuild(): void {
  if (existsSync(WEB_DIST_INDEX)) return;
  execFileSync('npm', ['run', 'build', '--workspace', '@vigia/web'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Uncaught exceptions in the page, so a test can tell a working UI from one that merely renders.
 * They arrive later, into `into`: the very array a test checks, never a copy taken now.
 */
export function collectPageErrors(page: Page, into: string[] = []): string[] {
  page.on('pageerror', (error) => into.push(error.stack ?? error.message));
  return into;
}

/** A new page that waits WAIT by default and adds its uncaught exceptions to `errors`. */
export async function newPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  collectPageErrors(page, errors);
  return page;
}

/** A stack serving the dashboard, and a browser to look at it, started side by side. */
export async function startDashboard(options: StackOptions): Promise<{ stack: Stack; browser: Browser }> {
  ensureWebBuild();
  const [stack, browser] = await Promise.all([startStack(options), launchBrowser()]);
  return { stack, browser };
}

export interface SignedInOptions {
  /** Where the page's uncaught exceptions go. */
  errors: string[];
  viewport?: { width: number; height: number };
  /** Who signs in; the stack's admin by default. */
  user?: { name: string; password: string };
}

/** A page in a context of its own, signed in through the login form and on the overview. */
export async function signedInPage(browser: Browser, stack: Stack, options: SignedInOptions): Promise<Page> {
  const context = await browser.newContext({ baseURL: stack.url, viewport: options.viewport ?? { width: 1280, height: 900 } });
  const page = await newPage(context, options.errors);
  await page.goto('/login');
  await signIn(page, options.user?.name ?? 'admin', options.user?.password ?? stack.adminPassword);
  await page.waitForURL((url) => url.pathname === '/', WAIT);
  return page;
}

/** Fills the login form and submits it with Enter (the form must work from the keyboard). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-password').press('Enter');
}

/** True when the page is no wider than the window: nothing to scroll sideways on a phone. */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}
