import type { FastifyInstance } from 'fastify';
import type { InboundRequest, Notifier } from '@vigia/plugin-sdk';
import type { ApiDeps } from '../deps.ts';
import { inboundContext } from './inbound-context.ts';

const DEFAULT_BODY_LIMIT = 64 * 1024;

function headersOf(raw: Record<string, string | string[] | undefined>): InboundRequest['headers'] {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Mounts each notifier's inbound routes under `/api/integrations/<notifier>/`, whether or not a
 * channel uses it (a Slack slash command works without Slack alerts). The plugin checks who is
 * calling (a signature); a plugin whose routes cannot be built is logged and left out.
 */
export function notifierInboundRoutes(app: FastifyInstance, deps: ApiDeps, notifiers: Iterable<Notifier>): void {
  for (const notifier of notifiers) {
    if (!notifier.inboundRoutes) continue;
    let routes;
    try {
      routes = notifier.inboundRoutes(inboundContext(deps, notifier.name));
    } catch (error) {
      deps.logger.error('notifier inbound routes failed to build; left out', { notifier: notifier.name, error: (error as Error).message });
      continue;
    }
    void app.register(async (scope) => {
      // Signatures cover the exact bytes: every body reaches the route as the raw text it was.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      for (const route of routes) {
        const url = `/api/integrations/${notifier.name}/${route.path.replace(/^\/+/, '')}`;
        scope.route({
          method: route.method,
          url,
          bodyLimit: route.bodyLimit ?? DEFAULT_BODY_LIMIT,
          handler: async (req, reply) => {
            const answer = await route.handle({ headers: headersOf(req.headers), rawBody: typeof req.body === 'string' ? req.body : '' });
            return reply.code(answer.status ?? 200).send(answer.body);
          },
        });
      }
    });
  }
}
