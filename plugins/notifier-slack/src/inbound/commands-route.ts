import { INCIDENT_STATUSES, type IncidentStatus, type InboundContext, type InboundRoute } from '@vigia/plugin-sdk';
import { signedRoute } from './signature.ts';

const HELP = [
  'Status page incidents:',
  '• `list`: open incidents',
  '• `update <id> [investigating|identified|monitoring|resolved] <message>`: post to an incident (public)',
  '• `resolve <id> [message]`: close it',
].join('\n');

const reply = (text: string, inChannel = false) => ({ body: { response_type: inChannel ? 'in_channel' : 'ephemeral', text } });

/**
 * A Slack slash command (say `/status`) pointed at `/api/integrations/slack/commands` posts
 * status page updates. Verified like the interactive buttons (signing secret, five minutes,
 * no replay). A command Vigia cannot carry out is answered in Slack, to the person only.
 */
export function commandsRoute(ctx: InboundContext): InboundRoute {
  return signedRoute(ctx, { path: 'commands', bodyLimit: 64 * 1024, feature: 'Slack commands' }, async (request) => {
    const form = new URLSearchParams(request.rawBody);
    const actor = `slack:${form.get('user_name') || form.get('user_id') || 'unknown'}`;
    const [verb = '', ...rest] = (form.get('text') ?? '').trim().split(/\s+/);
    if (verb === 'list') {
      const open = await ctx.statusIncidents.listOpen();
      return reply(open.length ? open.map((i) => `#${i.id} ${i.title} (${i.status})`).join('\n') : 'No open incidents.');
    }
    if (verb !== 'update' && verb !== 'resolve') return reply(HELP);
    const id = Number(rest.shift()?.replace(/^#/, ''));
    if (!Number.isInteger(id) || id <= 0) return reply(`Which incident? ${HELP}`);
    let status: IncidentStatus = 'resolved';
    if (verb === 'update') status = (INCIDENT_STATUSES as readonly string[]).includes(rest[0] ?? '') ? (rest.shift() as IncidentStatus) : 'investigating';
    const message = rest.join(' ').trim() || (verb === 'resolve' ? 'This incident has been resolved.' : '');
    if (!message) return reply('Write the message the public should read after the incident number.');
    const outcome = await ctx.statusIncidents.postUpdate({ incidentId: id, status, message }, actor);
    if (!outcome.ok) return reply(outcome.kind === 'invalid' ? `Not posted: ${outcome.reason}` : outcome.reason);
    return reply(`Incident #${id}: ${status} — ${message} (${actor})`, true);
  });
}
