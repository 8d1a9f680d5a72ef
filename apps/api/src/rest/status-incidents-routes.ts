import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';

/**
 * The status page's incidents over REST (the tRPC statusPage router's rules):
 * `GET /api/status/incidents`, `POST /api/status/incidents` (open one by hand) and
 * `POST /api/status/incidents/:id/updates` ({ status, message }; `resolved` closes it).
 */
export function statusIncidentsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/status/incidents', async (req, reply) => {
    try {
      return { incidents: await (await callerFor(deps, req, reply)).statusPage.incidents() };
    } catch (error) {
      return sendError(reply, error);
    }
  });
  app.post('/api/status/incidents', async (req, reply) => {
    try {
      const incident = await (await callerFor(deps, req, reply)).statusPage.create(req.body as never);
      return reply.code(201).send(incident);
    } catch (error) {
      return sendError(reply, error);
    }
  });
  app.post<{ Params: { id: string } }>('/api/status/incidents/:id/updates', async (req, reply) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const update = await (await callerFor(deps, req, reply)).statusPage.postUpdate({ ...body, incidentId: Number(req.params.id) } as never);
      return reply.code(201).send(update);
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
