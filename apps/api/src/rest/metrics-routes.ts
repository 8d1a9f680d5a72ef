import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';
import { iso, timeParam } from './time-param.ts';
import { MAX_PUSH_SAMPLES } from '../ingest.ts';
import { countRefusedPush } from '../push-refusals.ts';

const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  from: timeParam.optional(),
  to: timeParam.optional(),
});

/** The seed's REST endpoints for metrics, over the same procedures the tRPC API serves. */
export function metricsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/metrics/current', async (req, reply) => {
    try {
      const current = await (await callerFor(deps, req, reply)).metrics.current();
      return { timestamp: iso(current.timestamp), metrics: current.metrics.map((m) => ({ ...m, timestamp: iso(m.timestamp) })) };
    } catch (error) {
      return sendError(reply, error);
    }
  });

  // Applications that prefer HTTP to Redis: a JSON array of samples (or { samples: [...] }).
  app.post<{ Body: unknown }>('/api/metrics', async (req, reply) => {
    try {
      const caller = await callerFor(deps, req, reply);
      const body = req.body as { samples?: unknown } | unknown[] | undefined;
      const samples = Array.isArray(body) ? body : Array.isArray((body as { samples?: unknown })?.samples) ? (body as { samples: unknown[] }).samples : null;
      if (!samples) {
        await countRefusedPush(deps, 'malformed_body');
        return reply.code(400).send({ error: 'send a JSON array of samples: [{ "name", "value", "labels"?, "unit"?, "timestamp"? }]' });
      }
      if (samples.length > MAX_PUSH_SAMPLES) {
        await countRefusedPush(deps, 'body_too_large');
        return reply.code(413).send({ error: `at most ${MAX_PUSH_SAMPLES} samples per request` });
      }
      const result = await caller.metrics.push({ samples });
      return reply.code(result.accepted === 0 && result.rejectedCount > 0 ? 400 : 200).send(result);
    } catch (error) {
      return sendError(reply, error);
    }
  });

  app.get<{ Params: { name: string }; Querystring: Record<string, string> }>('/api/metrics/:name', async (req, reply) => {
    try {
      const caller = await callerFor(deps, req, reply);
      await caller.auth.me(); // authentication first: a 401 must not reveal which metrics exist
      const query = historyQuery.parse(req.query);
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
        return reply.code(400).send({ error: 'invalid request', issues: [{ path: 'from', message: '`from` must be before `to`' }] });
      }
      const name = req.params.name;
      const known = await deps.history.findSeries(name);
      if (known.length === 0 && (await deps.reader.current({ name })).length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `no metric named ${name}` });
      const points = await deps.history.latest(name, query.limit, query.from, query.to);
      return { name, points: points.map((p) => ({ timestamp: iso(p.timestamp), value: p.value, labels: p.labels })) };
    } catch (error) {
      return sendError(reply, error);
    }
  });
}
