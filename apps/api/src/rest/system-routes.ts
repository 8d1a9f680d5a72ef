import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';
import { iso } from './time-param.ts';

export function systemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/system/info', async (req, reply) => {
    try {
      return await (await callerFor(deps, req, reply)).system.info();
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get('/api/user/activity', async (req, reply) => {
    try {
      const activity = await (await callerFor(deps, req, reply)).system.userActivity();
      return { ...activity, timestamp: iso(activity.timestamp), history: activity.history.map((p) => ({ timestamp: iso(p.timestamp), value: p.value })) };
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
