import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';
import { iso } from './time-param.ts';

/** `GET /api/uptime[?probe=a&probe=b]`: each probe's uptime windows and daily bar. */
export function uptimeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/uptime', async (req, reply) => {
    try {
      const caller = await callerFor(deps, req, reply);
      const asked = (req.query as { probe?: string | string[] }).probe;
      const probes = asked === undefined ? undefined : Array.isArray(asked) ? asked : [asked];
      return { timestamp: iso(Date.now()), probes: await caller.uptime.list(probes ? { probes } : undefined) };
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
