import type { FastifyInstance, FastifyReply } from 'fastify';
import { verifyActionLink, type ActionLink } from '@vigia/auth';
import { ActionError, actOnAlert } from '@vigia/alerting';
import { audit } from '../audit.ts';
import { actionDeps } from '../alert-actions.ts';
import { silenceAlert } from '../alert-silence.ts';
import type { ApiDeps } from '../deps.ts';
import { claimLink, linkUsed } from './link-claims.ts';

const SILENCE_MS = 3_600_000;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)} · Vigia</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1f24;background:#fff}` +
        `@media(prefers-color-scheme:dark){body{color:#e6e9ee;background:#111418}}button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#2563eb;color:#fff;cursor:pointer}` +
        `dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{opacity:.7}</style></head><body><h1>${escape(title)}</h1>${body}</body></html>`,
    );
}

const VERB = { acknowledge: 'Acknowledge', silence: 'Silence for 1 hour' } as const;

const used = (reply: FastifyReply) => page(reply, 409, 'This link was already used', '<p>A link acts only once. Open the alert in Vigia to see where it stands.</p>');

/**
 * The links in emails and Slack messages. GET only shows what the link would do (mail scanners
 * follow links); the person confirms with a POST, and is recorded as the link's recipient.
 * A link acts once (link-claims.ts).
 */
export function actionLinkRoutes(app: FastifyInstance, deps: ApiDeps, secret: string): void {
  void app.register(async (scope) => routes(scope, deps, secret));
}

function routes(app: FastifyInstance, deps: ApiDeps, secret: string): void {
  // The confirmation page's <form method="post"> sends an empty url-encoded body; the token in the
  // path says everything, so the body is read (to keep the connection clean) and dropped.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, undefined));

  const check = async (token: string, reply: FastifyReply): Promise<{ link: ActionLink; alert: NonNullable<Awaited<ReturnType<ApiDeps['alerts']['get']>>>['alert'] } | FastifyReply> => {
    const result = verifyActionLink(token, secret);
    if (!result.ok && result.reason === 'expired') return page(reply, 410, 'This link has expired', '<p>Open the alert in Vigia to act on it.</p>');
    if (!result.ok) return page(reply, 400, 'This link is not valid', '<p>It may have been cut or changed on its way. Open the alert in Vigia instead.</p>');
    const found = await deps.alerts.get(result.link.alertId);
    if (!found) return page(reply, 404, 'No such alert', '<p>The alert this link points to does not exist any more.</p>');
    return { link: result.link, alert: found.alert };
  };

  app.get<{ Params: { token: string } }>('/act/:token', async (req, reply) => {
    const checked = await check(req.params.token, reply);
    if ('sent' in checked) return checked;
    const { link, alert } = checked;
    if (await linkUsed(deps, req.params.token)) return used(reply);
    return page(
      reply,
      200,
      `${VERB[link.action]}?`,
      `<dl><dt>Alert</dt><dd>${escape(alert.summary)}</dd><dt>Rule</dt><dd>${escape(alert.rule)} (${escape(alert.severity)})</dd><dt>Status</dt><dd>${escape(alert.status)}</dd><dt>As</dt><dd>${escape(link.recipient)}</dd></dl>` +
        `<form method="post"><button type="submit">${VERB[link.action]}</button></form>`,
    );
  });

  app.post<{ Params: { token: string } }>('/act/:token', async (req, reply) => {
    const checked = await check(req.params.token, reply);
    if ('sent' in checked) return checked;
    const { link, alert } = checked;
    const actor = link.recipient;
    const claim = await claimLink(deps, req.params.token, link.expiresAt);
    if (!claim) return used(reply);
    if (link.action === 'silence') {
      const row = await silenceAlert(deps, alert, { actor, forMs: SILENCE_MS, comment: 'silenced for 1 h from a link in a message' }).catch(async (error: unknown) => {
        await claim.release();
        throw error;
      });
      await audit(deps, actor, 'silence.create', { type: 'silence', id: row.id }, { via: 'link', alert: alert.id });
      await audit(deps, actor, 'alert.silence', { type: 'alert', id: alert.id }, { silence: row.id, via: 'link' });
      return page(reply, 200, 'Silenced for 1 hour', `<p>${escape(alert.rule)} on this series sends nothing until ${escape(row.endsAt.toISOString())}.</p>`);
    }
    try {
      await actOnAlert(actionDeps(deps), { id: alert.id, kind: 'acknowledge', actor, comment: 'acknowledged from a link in a message' });
    } catch (error) {
      await claim.release();
      if (error instanceof ActionError) return page(reply, 409, 'Nothing to acknowledge', `<p>${escape(error.message)}.</p>`);
      throw error;
    }
    await audit(deps, actor, 'alert.acknowledge', { type: 'alert', id: alert.id }, { via: 'link' });
    return page(reply, 200, 'Acknowledged', `<p>${escape(alert.summary)} is acknowledged by ${escape(actor)}.</p>`);
  });
}
