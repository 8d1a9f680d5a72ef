import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { STATUS_PAGE_CSP } from './status-html.ts';

/**
 * `GET /status` (HTML) and `GET /status.json`: public, no authentication, and 404 until
 * `status_page.enabled: true`. Both come from the in-memory page, so they answer while
 * PostgreSQL is down.
 */
export function statusPageRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const serve = (kind: 'html' | 'json') => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!deps.config.statusPage.enabled || !deps.statusPage) return reply.code(404).send({ error: 'the status page is off (status_page.enabled in monitoring.yaml)' });
    const page = deps.statusPage.current();
    if (!page) return reply.code(503).header('retry-after', '5').type('text/plain').send('The status page is not available yet.\n');
    reply.header('cache-control', 'public, max-age=5').header('etag', page.etag).header('content-security-policy', STATUS_PAGE_CSP);
    if (req.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return kind === 'html' ? reply.type('text/html; charset=utf-8').send(page.html) : reply.type('application/json; charset=utf-8').send(page.json);
  };
  app.get('/status', serve('html'));
  app.get('/status.json', serve('json'));
}
