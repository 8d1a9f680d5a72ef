import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';
import { iso } from './time-param.ts';

/** `GET /api/slos`: each SLO with its objective, error budget left (percent) and burn rates now. */
export function slosRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/slos', async (req, reply) => {
    try {
      const caller = await callerFor(deps, req, reply);
      return { timestamp: iso(Date.now()), slos: await caller.slos.list() };
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
