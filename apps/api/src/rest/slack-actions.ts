import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { silences } from '@vigia/db';
import { ActionError, actOnAlert, type ActionKind } from '@vigia/alerting';
import { audit } from '../audit.ts';
import { actionDeps } from '../alert-actions.ts';
import type { ApiDeps } from '../deps.ts';
import { slackRefusal } from './slack-signature.ts';

export { slackSignature } from './slack-signature.ts';

const SILENCE_MS = 3_600_000;

const payloadSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const KIND: Record<string, ActionKind | 'silence'> = { vigia_acknowledge: 'acknowledge', vigia_resolve: 'resolve', vigia_silence_1h: 'silence' };

/**
 * Slack's interactive buttons post here. A request must carry a valid signature made within the
 * last five minutes and not seen before (forged, stale or replayed: 401); a signed request Vigia
 * cannot use gets 400, never a 5xx.
 */
export function slackActionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  void app.register(async (scope) => {
    // The signature covers the exact bytes, so this route keeps the body raw.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

    scope.post('/api/integrations/slack/actions', async (req, reply) => {
      const secret = deps.config.env.slack.signingSecret;
      if (!secret) return reply.code(404).send({ error: 'Slack actions are off: set SLACK_SIGNING_SECRET' });
      const raw = typeof req.body === 'string' ? req.body : '';
      const refusal = await slackRefusal(deps, secret, req, raw);
      if (refusal) return reply.code(401).send({ error: refusal });

      let payload: z.infer<typeof payloadSchema>;
      try {
        payload = payloadSchema.parse(JSON.parse(new URLSearchParams(raw).get('payload') ?? ''));
      } catch {
        return reply.code(400).send({ error: 'expected a block_actions payload' });
      }
      const action = payload.actions[0]!;
      const kind = KIND[action.action_id];
      if (!kind || !action.value) return reply.code(400).send({ error: `unknown action ${action.action_id}` });
      const actor = `slack:${payload.user.username ?? payload.user.name ?? payload.user.id}`;
      const found = await deps.alerts.get(action.value);
      if (!found) return reply.code(400).send({ error: `no alert ${action.value}` });

      if (kind === 'silence') {
        const now = Date.now();
        const [row] = await deps.store.db
          .insert(silences)
          .values({
            matchers: { rule: found.alert.rule, labels: found.alert.labels },
            startsAt: new Date(now),
            endsAt: new Date(now + SILENCE_MS),
            createdBy: actor,
            comment: 'silenced for 1 h from Slack',
          })
          .returning();
        await audit(deps, actor, 'alert.silence', { type: 'alert', id: found.alert.id }, { silence: row!.id, via: 'slack' });
        return { text: `Silenced ${found.alert.rule} for 1 h (${actor})` };
      }
      try {
        await actOnAlert(actionDeps(deps), { id: found.alert.id, kind, actor, comment: `${kind === 'acknowledge' ? 'acknowledged' : 'resolved'} from Slack` });
      } catch (error) {
        if (error instanceof ActionError) return { text: error.message };
        throw error;
      }
      await audit(deps, actor, `alert.${kind}`, { type: 'alert', id: found.alert.id }, { via: 'slack' });
      return { text: `${kind === 'acknowledge' ? 'Acknowledged' : 'Resolved'} by ${actor}` };
    });
  });
}
