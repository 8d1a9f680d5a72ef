import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, startStack, trpcClient, type Stack } from '../src/index.ts';

describe('a refused request is told what was wrong with its credentials', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false, yaml: 'collectors:\n  system: { enabled: false }\n' });
  });
  afterAll(() => stack?.stop());

  const errorOf = async (res: Response) => JSON.stringify(await res.json());

  it('says "log in or send a token" without credentials and "the token is not valid" for a wrong one (REST)', async () => {
    const none = await fetch(`${stack.url}/api/alerts`);
    expect(none.status).toBe(401);
    const noneBody = await errorOf(none);
    expect(noneBody).toContain('log in or send a bearer token');

    const wrong = await authedFetch('not-a-real-token')(`${stack.url}/api/alerts`);
    expect(wrong.status).toBe(401);
    const wrongBody = await errorOf(wrong);
    expect(wrongBody).toContain('the token is not valid');
    expect(wrongBody).not.toContain('log in or send');
    // The token itself is not echoed back.
    expect(wrongBody).not.toContain('not-a-real-token');

    const right = await authedFetch(stack.apiToken)(`${stack.url}/api/alerts`);
    expect(right.status).toBe(200);
  });

  it('says the same over tRPC', async () => {
    const wrong = await trpcClient(stack.url, 'not-a-real-token')
      .alerts.list.query({})
      .catch((error: Error) => error);
    expect((wrong as Error).message).toMatch(/^the token is not valid/);
    const none = await fetch(`${stack.url}/trpc/alerts.list?input=${encodeURIComponent('{}')}`);
    expect(none.status).toBe(401);
    expect(await errorOf(none)).toContain('log in or send a bearer token');
  });

  it('says the same on /metrics, where only a request without credentials hears about METRICS_PUBLIC', async () => {
    const none = await fetch(`${stack.url}/metrics`);
    expect(none.status).toBe(401);
    const noneBody = await errorOf(none);
    expect(noneBody).toContain('log in or send a bearer token');
    expect(noneBody).toContain('METRICS_PUBLIC=true');

    const wrong = await authedFetch('not-a-real-token')(`${stack.url}/metrics`);
    expect(wrong.status).toBe(401);
    const wrongBody = await errorOf(wrong);
    expect(wrongBody).toContain('the token is not valid');
    expect(wrongBody).not.toContain('log in or send');
    expect(wrongBody).not.toContain('METRICS_PUBLIC');
    expect(wrongBody).not.toContain('not-a-real-token');

    const right = await authedFetch(stack.apiToken)(`${stack.url}/metrics`);
    expect(right.status).toBe(200);
  });
});
