import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';

export function systemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/system/info', async (req, reply) => {
    try {
      return await (await callerFor(deps, req, reply)).system.info();
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
