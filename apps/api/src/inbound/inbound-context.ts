import { TRPCError } from '@trpc/server';
import { ActionError, actOnAlert } from '@vigia/alerting';
import type { InboundContext, InboundOutcome } from '@vigia/plugin-sdk';
import { actionDeps } from '../alert-actions.ts';
import { silenceAlert } from '../alert-silence.ts';
import { audit } from '../audit.ts';
import type { ApiDeps } from '../deps.ts';
import { postIncidentUpdate, updateInput } from '../status/incident-actions.ts';

/** `slack` → SLACK, `my-chat` → MY_CHAT: the prefix of the notifier's `<NAME>_SIGNING_SECRET`. */
const envName = (notifier: string) => notifier.toUpperCase().replace(/-/g, '_');

/**
 * What one notifier's inbound routes may do, and nothing more: act on alerts and post status
 * updates as the person Slack (or another service) vouches for, each audited with the notifier
 * as `via`, as the dashboard's own actions are.
 */
export function inboundContext(deps: ApiDeps, notifier: string): InboundContext {
  const via = notifier;
  return {
    signingSecret: deps.config.env.signingSecrets[envName(notifier)],
    logger: deps.logger.child(`inbound:${notifier}`),

    alerts: {
      async get(id) {
        const found = await deps.alerts.get(id);
        return found && { id: found.alert.id, rule: found.alert.rule, summary: found.alert.summary };
      },
      async act(id, kind, { actor, comment }): Promise<InboundOutcome> {
        try {
          await actOnAlert(actionDeps(deps), { id, kind, actor, comment });
        } catch (error) {
          if (error instanceof ActionError) return { ok: false, kind: 'refused', reason: error.message };
          throw error;
        }
        await audit(deps, actor, `alert.${kind}`, { type: 'alert', id }, { via });
        return { ok: true };
      },
      async silence(id, forMs, { actor, comment }): Promise<InboundOutcome> {
        const found = await deps.alerts.get(id);
        if (!found) return { ok: false, kind: 'refused', reason: `no alert ${id}` };
        const row = await silenceAlert(deps, found.alert, { actor, forMs, comment });
        await audit(deps, actor, 'alert.silence', { type: 'alert', id }, { silence: row.id, via });
        return { ok: true };
      },
    },

    statusIncidents: {
      async listOpen() {
        const open = (await deps.statusIncidents.list(new Date())).filter((i) => !i.resolvedAt);
        return open.map((i) => ({ id: i.id, title: i.title, status: i.status }));
      },
      async postUpdate(update, actor): Promise<InboundOutcome> {
        const input = updateInput.safeParse(update);
        if (!input.success) return { ok: false, kind: 'invalid', reason: input.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') };
        try {
          await postIncidentUpdate(deps, actor, input.data);
        } catch (error) {
          if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT')) return { ok: false, kind: 'refused', reason: error.message };
          throw error;
        }
        return { ok: true };
      },
    },

    async firstSeen(key, ttlMs) {
      // `<prefix>:slack-seen:<key>`, the key the Slack routes used before they moved into the plugin.
      return (await deps.redis.set(`${deps.keys.prefix}:${notifier}-seen:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
  };
}
