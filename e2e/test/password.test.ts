import type { Browser } from 'playwright-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '@vigia/testing';
import { collectPageErrors, ensureWebBuild, launchBrowser, signIn } from '../src/browser.ts';
import { startStack, type Stack } from '../src/stack.ts';
import { trpcPost, type TrpcAnswer } from '../src/trpc-post.ts';

describe('changing passwords', () => {
  let stack: Stack;
  let adminSession: string;

  const asSession = (session: string) => ({ cookie: session });
  const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const login = (username: string, password: string) => trpcPost(stack.url, 'auth.login', { username, password });
  const sessionOf = async (username: string, password: string): Promise<string> => {
    const answer = await login(username, password);
    expect(answer.status, answer.message).toBe(200);
    return answer.session!;
  };
  /** auth.me through the session cookie: who it signs in, or null once the session was ended. */
  const whoIs = async (session: string) =>
    ((await (await fetch(`${stack.url}/trpc/auth.me`, { headers: asSession(session) })).json()) as { result: { data: { userId: number; username: string } | null } }).result.data;
  const createUser = async (username: string, password: string, role = 'viewer'): Promise<number> => {
    const created = await trpcPost(stack.url, 'users.create', { username, password, role }, asSession(adminSession));
    expect(created.status, created.message).toBe(200);
    return (created.data as { id: number }).id;
  };
  const tokenFor = async (username: string): Promise<string> => {
    const made = await trpcPost(stack.url, 'tokens.create', { name: `${username}'s script`, username }, asSession(adminSession));
    expect(made.status, made.message).toBe(200);
    return (made.data as { token: string }).token;
  };
  const expectRefusedForToken = (answer: TrpcAnswer) => {
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('FORBIDDEN');
    expect(answer.message).toMatch(/needs a signed-in session.*API token cannot/);
  };

  let browser: Browser | undefined;

  beforeAll(async () => {
    ensureWebBuild();
    stack = await startStack({ worker: false });
    adminSession = await sessionOf('admin', stack.adminPassword);
  });
  // Every request here comes from 127.0.0.1, and the wrong passwords these tests try on purpose
  // would add up to that address's limit: each test starts with none counted.
  beforeEach(async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const counted = await redis.keys(`${stack.prefix}:login-failures:*`);
      if (counted.length) await redis.del(...counted);
    } finally {
      redis.disconnect();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('refuses users.changePassword with a bearer token, whatever the body says', async () => {
    await createUser('tina', 'tina-first-password');
    const token = await tokenFor('tina');
    expectRefusedForToken(await trpcPost(stack.url, 'users.changePassword', { password: 'taken-over-password' }, asBearer(token)));
    expectRefusedForToken(await trpcPost(stack.url, 'users.changePassword', { currentPassword: 'tina-first-password', password: 'taken-over-password' }, asBearer(token)));
    expectRefusedForToken(await trpcPost(stack.url, 'users.changePassword', { currentPassword: 'x', password: 'taken-over-password' }, asBearer(stack.apiToken)));
    expect((await login('tina', 'taken-over-password')).status).toBe(401);
    expect((await login('tina', 'tina-first-password')).status).toBe(200);
  });

  it('changes your own password from a session only with the current one, and ends your other sessions', async () => {
    await createUser('sam', 'sam-first-password');
    const here = await sessionOf('sam', 'sam-first-password');
    const elsewhere = await sessionOf('sam', 'sam-first-password');

    const without = await trpcPost(stack.url, 'users.changePassword', { password: 'sam-second-password' }, asSession(here));
    expect(without.status).toBe(400);
    const wrong = await trpcPost(stack.url, 'users.changePassword', { currentPassword: 'not-my-password', password: 'sam-second-password' }, asSession(here));
    expect(wrong.status).toBe(403);
    expect(wrong.message).toBe('the current password is wrong');
    expect((await login('sam', 'sam-second-password')).status).toBe(401);

    const right = await trpcPost(stack.url, 'users.changePassword', { currentPassword: 'sam-first-password', password: 'sam-second-password' }, asSession(here));
    expect(right.status, right.message).toBe(200);
    expect((await login('sam', 'sam-first-password')).status).toBe(401);
    expect((await login('sam', 'sam-second-password')).status).toBe(200);
    expect(await whoIs(here)).toMatchObject({ username: 'sam' });
    expect(await whoIs(elsewhere)).toBeNull();
  });

  it("lets an admin reset another user's password from a session, never with a token nor for themselves", async () => {
    const id = await createUser('ria', 'ria-first-password', 'operator');
    const riaSession = await sessionOf('ria', 'ria-first-password');
    const adminToken = await tokenFor('admin');
    expectRefusedForToken(await trpcPost(stack.url, 'users.update', { id, password: 'reset-by-token-1' }, asBearer(adminToken)));
    expectRefusedForToken(await trpcPost(stack.url, 'users.update', { id, password: 'reset-by-token-2' }, asBearer(stack.apiToken)));
    expect((await login('ria', 'reset-by-token-1')).status).toBe(401);
    expect((await login('ria', 'reset-by-token-2')).status).toBe(401);
    // A token can still change what is not a password.
    expect((await trpcPost(stack.url, 'users.update', { id, role: 'viewer' }, asBearer(adminToken))).status).toBe(200);

    const own = await trpcPost(stack.url, 'users.update', { id: (await whoIs(adminSession))!.userId, password: 'admin-without-current' }, asSession(adminSession));
    expect(own.status).toBe(400);
    expect(own.message).toMatch(/current one/);

    const reset = await trpcPost(stack.url, 'users.update', { id, password: 'ria-reset-password' }, asSession(adminSession));
    expect(reset.status, reset.message).toBe(200);
    expect((await login('ria', 'ria-first-password')).status).toBe(401);
    expect((await login('ria', 'ria-reset-password')).status).toBe(200);
    expect(await whoIs(riaSession)).toBeNull();
  });

  it('the dashboard changes your own password with the current one, from your name in the top bar', async () => {
    await createUser('vera', 'vera-first-password');
    browser = await launchBrowser();
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${stack.url}/login`);
    await signIn(page, 'vera', 'vera-first-password');
    await page.getByTestId('current-user').click();
    await page.getByTestId('account-page').waitFor();

    await page.getByTestId('current-password').fill('not-my-password');
    await page.getByTestId('new-password').fill('vera-second-password');
    await page.getByTestId('repeat-password').fill('vera-second-password');
    await page.getByTestId('change-password-submit').click();
    // Password hashing is deliberately slow: wait for the answer, however long it takes here.
    await page.getByRole('alert').filter({ hasText: 'the current password is wrong' }).waitFor();

    await page.getByTestId('current-password').fill('vera-first-password');
    await page.getByTestId('change-password-submit').click();
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    expect((await login('vera', 'vera-first-password')).status).toBe(401);
    expect((await login('vera', 'vera-second-password')).status).toBe(200);
    expect(errors).toEqual([]);
  });
});
