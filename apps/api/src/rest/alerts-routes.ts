import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { callerFor } from './caller.ts';
import { sendError } from './errors.ts';
import { iso, timeParam } from './time-param.ts';

const listQuery = z.strictObject({
  status: z.string().optional(),
  severity: z.string().optional(),
  rule: z.string().optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(5_000).optional(),
});

const commaList = (v?: string) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

type AlertRow = Awaited<ReturnType<ApiDeps['alerts']['list']>>[number];

function publicAlert(a: AlertRow) {
  const time = (d: Date | null) => (d ? iso(d.getTime()) : null);
  return { ...a, startedAt: time(a.startedAt), acknowledgedAt: time(a.acknowledgedAt), resolvedAt: time(a.resolvedAt), updatedAt: time(a.updatedAt) };
}

/** The seed's GET /api/alerts, plus acknowledge and resolve over REST. */
export function alertsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Record<string, string> }>('/api/alerts', async (req, reply) => {
    try {
      const caller = await callerFor(deps, req, reply);
      const q = listQuery.parse(req.query);
      const alerts = await caller.alerts.list({ status: commaList(q.status) as never, severity: commaList(q.severity) as never, rule: q.rule, from: q.from, to: q.to, limit: q.limit ?? 500 });
      return { timestamp: iso(Date.now()), alerts: alerts.map(publicAlert) };
    } catch (error) {
      return sendError(reply, error);
    }
  });

  for (const action of ['acknowledge', 'resolve', 'unacknowledge'] as const) {
    app.post<{ Params: { id: string }; Body: unknown }>(`/api/alerts/:id/${action}`, async (req, reply) => {
      try {
        const caller = await callerFor(deps, req, reply);
        const body = z
          .object({ comment: z.string().max(2_000).optional() })
          .default({})
          .parse(req.body ?? {});
        const result = await caller.alerts[action]({ id: req.params.id, comment: body.comment });
        return { alert: publicAlert(result.alert), events: result.events };
      } catch (error) {
        return sendError(reply, error);
      }
    });
  }
}
