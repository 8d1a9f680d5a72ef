import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { INCIDENT_STATUSES, postIncidentUpdate, updateInput } from '../status/incident-actions.ts';
import { slackRefusal } from './slack-signature.ts';

const HELP = [
  'Status page incidents:',
  '• `list`: open incidents',
  '• `update <id> [investigating|identified|monitoring|resolved] <message>`: post to an incident (public)',
  '• `resolve <id> [message]`: close it',
].join('\n');

const reply = (text: string, inChannel = false) => ({ response_type: inChannel ? 'in_channel' : 'ephemeral', text });

/**
 * A Slack slash command (say `/status`) pointed at `/api/integrations/slack/commands` posts
 * status page updates. Verified like the interactive buttons (signing secret, five minutes,
 * no replay). A command Vigia cannot carry out is answered in Slack, to the person only.
 */
export function slackCommandRoutes(app: FastifyInstance, deps: ApiDeps): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

    scope.post('/api/integrations/slack/commands', async (req, res) => {
      const secret = deps.config.env.slack.signingSecret;
      if (!secret) return res.code(404).send({ error: 'Slack commands are off: set SLACK_SIGNING_SECRET' });
      const raw = typeof req.body === 'string' ? req.body : '';
      const refusal = await slackRefusal(deps, secret, req, raw);
      if (refusal) return res.code(401).send({ error: refusal });

      const form = new URLSearchParams(raw);
      const actor = `slack:${form.get('user_name') || form.get('user_id') || 'unknown'}`;
      const [verb = '', ...rest] = (form.get('text') ?? '').trim().split(/\s+/);
      if (verb === 'list') {
        const open = (await deps.statusIncidents.list(new Date())).filter((i) => !i.resolvedAt);
        return reply(open.length ? open.map((i) => `#${i.id} ${i.title} (${i.status})`).join('\n') : 'No open incidents.');
      }
      if (verb !== 'update' && verb !== 'resolve') return reply(HELP);
      const id = Number(rest.shift()?.replace(/^#/, ''));
      if (!Number.isInteger(id) || id <= 0) return reply(`Which incident? ${HELP}`);
      let status: (typeof INCIDENT_STATUSES)[number] = 'resolved';
      if (verb === 'update') status = (INCIDENT_STATUSES as readonly string[]).includes(rest[0] ?? '') ? (rest.shift() as typeof status) : 'investigating';
      const message = rest.join(' ').trim() || (verb === 'resolve' ? 'This incident has been resolved.' : '');
      if (!message) return reply('Write the message the public should read after the incident number.');
      const input = updateInput.safeParse({ incidentId: id, status, message });
      if (!input.success) return reply(`Not posted: ${input.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      try {
        await postIncidentUpdate(deps, actor, input.data);
      } catch (error) {
        if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'CONFLICT')) return reply(error.message);
        throw error;
      }
      return reply(`Incident #${id}: ${status} — ${message} (${actor})`, true);
    });
  });
}
