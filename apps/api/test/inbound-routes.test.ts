import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { defineNotifier, quietLogger, type InboundContext, type InboundRequest } from '@vigia/plugin-sdk';
import type { ApiDeps } from '../src/deps.ts';
import { notifierInboundRoutes } from '../src/inbound/inbound-routes.ts';

// Only what mounting reads; the actions behind the context are covered end to end (e2e oncall, status-page).
const errors: unknown[] = [];
const deps = {
  config: { env: { signingSecrets: { MY_CHAT: 'chat-secret' } } },
  logger: { child: () => quietLogger, error: (...args: unknown[]) => errors.push(args) },
} as unknown as ApiDeps;

const app = Fastify();
afterEach(() => app.close());

function echoing(name: string, seen: { ctx?: InboundContext; requests: InboundRequest[] }) {
  return defineNotifier({
    name,
    send: async () => undefined,
    inboundRoutes: (ctx) => {
      seen.ctx = ctx;
      return [{ method: 'POST', path: 'hook', bodyLimit: 100, handle: async (request) => (seen.requests.push(request), { status: 202, body: { got: request.rawBody } }) }];
    },
  });
}

describe('notifier inbound routes in the API', () => {
  it('mounts them below /api/integrations/<notifier>/, hands them the raw body and the notifier’s signing secret', async () => {
    const seen: { ctx?: InboundContext; requests: InboundRequest[] } = { requests: [] };
    const broken = defineNotifier({
      name: 'broken',
      send: async () => undefined,
      inboundRoutes: () => {
        throw new Error('no');
      },
    });
    const plain = defineNotifier({ name: 'plain', send: async () => undefined });
    notifierInboundRoutes(app, deps, [echoing('my-chat', seen), broken, plain]);
    await app.ready();

    const json = await app.inject({ method: 'POST', url: '/api/integrations/my-chat/hook', headers: { 'content-type': 'application/json', 'X-Sig': 'abc' }, payload: '{"a": 1}' });
    expect(json.statusCode).toBe(202);
    expect(json.json()).toEqual({ got: '{"a": 1}' });
    expect(seen.requests[0]!.headers['x-sig']).toBe('abc');
    const form = await app.inject({ method: 'POST', url: '/api/integrations/my-chat/hook', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1&b=%20' });
    expect(form.json()).toEqual({ got: 'a=1&b=%20' });
    expect(seen.ctx!.signingSecret).toBe('chat-secret');

    expect((await app.inject({ method: 'POST', url: '/api/integrations/my-chat/hook', headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(101) })).statusCode).toBe(413);
    expect((await app.inject({ method: 'POST', url: '/api/integrations/my-chat/other' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/hook' })).statusCode).toBe(404);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('broken');
  });
});
