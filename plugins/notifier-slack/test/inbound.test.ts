import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { quietLogger, type InboundContext, type InboundOutcome, type InboundRequest, type InboundRoute } from '@vigia/plugin-sdk';
import slackNotifier from '../src/index.ts';

const SECRET = 'test-signing-secret';

/** Signs like Slack does (its documented v0 scheme), independently of the plugin's own code. */
function signed(rawBody: string, { secret = SECRET, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature }, rawBody };
}

const actionBody = (actionId: string, value: string, user: Record<string, string> = { id: 'U1', username: 'ana' }) =>
  new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user, actions: [{ action_id: actionId, value }] }) }).toString();
const commandBody = (text: string) => new URLSearchParams({ text, user_name: 'ana', user_id: 'U1' }).toString();

/** A host that records what the routes asked of it. */
function fakeHost(signingSecret: string | null = SECRET) {
  const calls: unknown[][] = [];
  const seen = new Set<string>();
  let actOutcome: InboundOutcome = { ok: true };
  let postOutcome: InboundOutcome = { ok: true };
  const ctx: InboundContext = {
    signingSecret: signingSecret ?? undefined,
    logger: quietLogger,
    alerts: {
      get: async (id) => (id === 'alt-1' ? { id, rule: 'High CPU', summary: 'CPU 93%' } : null),
      act: async (...args) => (calls.push(['act', ...args]), actOutcome),
      silence: async (...args) => (calls.push(['silence', ...args]), { ok: true }),
    },
    statusIncidents: {
      listOpen: async () => [{ id: 7, title: 'Website down', status: 'investigating' }],
      postUpdate: async (...args) => (calls.push(['postUpdate', ...args]), postOutcome),
    },
    firstSeen: async (key) => !seen.has(key) && !!seen.add(key),
  };
  const routes = new Map(slackNotifier().inboundRoutes!(ctx).map((r): [string, InboundRoute] => [r.path, r]));
  return {
    calls,
    route: (path: string) => routes.get(path)!,
    actAnswers: (o: InboundOutcome) => (actOutcome = o),
    postAnswers: (o: InboundOutcome) => (postOutcome = o),
  };
}

describe('slack inbound routes: what they declare', () => {
  it('are POST actions and commands, below /api/integrations/slack/', () => {
    const host = fakeHost();
    expect([host.route('actions'), host.route('commands')].map((r) => [r.method, r.path, r.bodyLimit])).toEqual([
      ['POST', 'actions', 256 * 1024],
      ['POST', 'commands', 64 * 1024],
    ]);
  });
});

describe('slack inbound routes: who may call', () => {
  it('are off (404) without a signing secret', async () => {
    const host = fakeHost(null);
    expect(await host.route('actions').handle(signed(actionBody('vigia_acknowledge', 'alt-1')))).toEqual({ status: 404, body: { error: 'Slack actions are off: set SLACK_SIGNING_SECRET' } });
    expect((await host.route('commands').handle(signed(commandBody('list')))).status).toBe(404);
  });

  it('refuse a wrong secret, a changed body, a stale timestamp and a replay with 401, acting on none', async () => {
    for (const path of ['actions', 'commands']) {
      const host = fakeHost();
      const body = path === 'actions' ? actionBody('vigia_acknowledge', 'alt-1') : commandBody('update 7 monitoring fine');
      const refused = async (request: InboundRequest) => (await host.route(path).handle(request)).status ?? 200;
      expect(await refused(signed(body, { secret: 'wrong' }))).toBe(401);
      expect(await refused({ ...signed(body), rawBody: `${body}&x=1` })).toBe(401);
      expect(await refused(signed(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }))).toBe(401);
      expect(await refused({ ...signed(body), headers: {} })).toBe(401);
      const once = signed(body);
      expect(await refused(once)).toBe(200);
      expect(await host.route(path).handle(once)).toEqual({ status: 401, body: { error: 'this request was already received (replay)' } });
      expect(host.calls).toHaveLength(1);
    }
  });
});

describe('slack inbound routes: buttons', () => {
  let host: ReturnType<typeof fakeHost>;
  beforeEach(() => {
    host = fakeHost();
  });
  const click = (actionId: string, value: string, user?: Record<string, string>) => host.route('actions').handle(signed(actionBody(actionId, value, user)));

  it('acknowledges and resolves as the Slack user', async () => {
    expect(await click('vigia_acknowledge', 'alt-1')).toEqual({ body: { text: 'Acknowledged by slack:ana' } });
    expect(await click('vigia_resolve', 'alt-1', { id: 'U2', name: 'bo' })).toEqual({ body: { text: 'Resolved by slack:bo' } });
    expect(host.calls).toEqual([
      ['act', 'alt-1', 'acknowledge', { actor: 'slack:ana', comment: 'acknowledged from Slack' }],
      ['act', 'alt-1', 'resolve', { actor: 'slack:bo', comment: 'resolved from Slack' }],
    ]);
  });

  it('silences the alert for an hour', async () => {
    expect(await click('vigia_silence_1h', 'alt-1', { id: 'U3' })).toEqual({ body: { text: 'Silenced High CPU for 1 h (slack:U3)' } });
    expect(host.calls).toEqual([['silence', 'alt-1', 3_600_000, { actor: 'slack:U3', comment: 'silenced for 1 h from Slack' }]]);
  });

  it('answers in Slack when the alert is not in a state for the action', async () => {
    host.actAnswers({ ok: false, kind: 'refused', reason: 'alert alt-1 is already resolved' });
    expect(await click('vigia_acknowledge', 'alt-1')).toEqual({ body: { text: 'alert alt-1 is already resolved' } });
  });

  it('gives 400, never a 5xx, to a signed request it cannot use', async () => {
    const handle = (raw: string) => host.route('actions').handle(signed(raw));
    expect(await handle('payload=not-json')).toEqual({ status: 400, body: { error: 'expected a block_actions payload' } });
    expect(await handle(new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U1' }, actions: [] }) }).toString())).toMatchObject({ status: 400 });
    expect(await click('vigia_reboot', 'alt-1')).toEqual({ status: 400, body: { error: 'unknown action vigia_reboot' } });
    expect(await click('vigia_acknowledge', 'alt-404')).toEqual({ status: 400, body: { error: 'no alert alt-404' } });
    expect(host.calls).toEqual([]);
  });
});

describe('slack inbound routes: the status slash command', () => {
  let host: ReturnType<typeof fakeHost>;
  beforeEach(() => {
    host = fakeHost();
  });
  const command = (text: string) => host.route('commands').handle(signed(commandBody(text)));
  const text = async (t: string) => ((await command(t)).body as { text: string }).text;

  it('lists open incidents, to the person only', async () => {
    expect(await command('list')).toEqual({ body: { response_type: 'ephemeral', text: '#7 Website down (investigating)' } });
  });

  it('posts updates and resolutions in the channel, as the Slack user', async () => {
    expect(await command('update #7 monitoring The fix is out')).toEqual({ body: { response_type: 'in_channel', text: 'Incident #7: monitoring — The fix is out (slack:ana)' } });
    expect(await text('update 7 Looking into it')).toBe('Incident #7: investigating — Looking into it (slack:ana)');
    expect(await text('resolve 7')).toBe('Incident #7: resolved — This incident has been resolved. (slack:ana)');
    expect(host.calls).toEqual([
      ['postUpdate', { incidentId: 7, status: 'monitoring', message: 'The fix is out' }, 'slack:ana'],
      ['postUpdate', { incidentId: 7, status: 'investigating', message: 'Looking into it' }, 'slack:ana'],
      ['postUpdate', { incidentId: 7, status: 'resolved', message: 'This incident has been resolved.' }, 'slack:ana'],
    ]);
  });

  it('explains what it cannot carry out, posting nothing', async () => {
    expect(await text('')).toMatch(/^Status page incidents:/);
    expect(await text('update seven fine')).toMatch(/^Which incident\?/);
    expect(await text('update 7 monitoring')).toBe('Write the message the public should read after the incident number.');
    expect(host.calls).toEqual([]);
    host.postAnswers({ ok: false, kind: 'refused', reason: 'no incident 9' });
    expect(await text('update 9 monitoring x')).toBe('no incident 9');
    host.postAnswers({ ok: false, kind: 'invalid', reason: 'message Too big' });
    expect(await text('update 7 monitoring x')).toBe('Not posted: message Too big');
  });
});
