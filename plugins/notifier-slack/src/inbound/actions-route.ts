import { z } from 'zod';
import type { InboundContext, InboundRoute } from '@vigia/plugin-sdk';
import { signedRoute } from './signature.ts';

const SILENCE_MS = 3_600_000;

const payloadSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string(), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

const KIND: Record<string, 'acknowledge' | 'resolve' | 'silence'> = { vigia_acknowledge: 'acknowledge', vigia_resolve: 'resolve', vigia_silence_1h: 'silence' };

/**
 * Slack's interactive buttons post to `/api/integrations/slack/actions`. A request must carry a
 * valid signature made within the last five minutes and not seen before (forged, stale or
 * replayed: 401); a signed request Vigia cannot use gets 400, never a 5xx.
 */
export function actionsRoute(ctx: InboundContext): InboundRoute {
  return signedRoute(ctx, { path: 'actions', bodyLimit: 256 * 1024, feature: 'Slack actions' }, async (request) => {
    let payload: z.infer<typeof payloadSchema>;
    try {
      payload = payloadSchema.parse(JSON.parse(new URLSearchParams(request.rawBody).get('payload') ?? ''));
    } catch {
      return { status: 400, body: { error: 'expected a block_actions payload' } };
    }
    const action = payload.actions[0]!;
    const kind = KIND[action.action_id];
    if (!kind || !action.value) return { status: 400, body: { error: `unknown action ${action.action_id}` } };
    const actor = `slack:${payload.user.username ?? payload.user.name ?? payload.user.id}`;
    const alert = await ctx.alerts.get(action.value);
    if (!alert) return { status: 400, body: { error: `no alert ${action.value}` } };

    if (kind === 'silence') {
      const silenced = await ctx.alerts.silence(alert.id, SILENCE_MS, { actor, comment: 'silenced for 1 h from Slack' });
      return { body: { text: silenced.ok ? `Silenced ${alert.rule} for 1 h (${actor})` : silenced.reason } };
    }
    const outcome = await ctx.alerts.act(alert.id, kind, { actor, comment: `${kind === 'acknowledge' ? 'acknowledged' : 'resolved'} from Slack` });
    if (!outcome.ok) return { body: { text: outcome.reason } };
    return { body: { text: `${kind === 'acknowledge' ? 'Acknowledged' : 'Resolved'} by ${actor}` } };
  });
}
