import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { ActionError, actOnAlert, loadSuppressions, type ActionKind } from '@vigia/alerting';
import { auditEvents } from '@vigia/db';
import { SEVERITIES } from '@vigia/config';
import type { Context } from '../context.ts';
import { followStream } from '../stream-subscription.ts';
import { audit } from '../audit.ts';
import { actionDeps } from '../alert-actions.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';

const STATUSES = ['firing', 'acknowledged', 'resolved'] as const;
const many = <T extends [string, ...string[]]>(values: T) => z.union([z.enum(values), z.array(z.enum(values))]).transform((v) => (Array.isArray(v) ? v : [v]));

export const alertListInput = z
  .object({
    status: many([...STATUSES]).optional(),
    severity: many([...SEVERITIES]).optional(),
    rule: z.string().optional(),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(5_000).default(500),
  })
  .default({ limit: 500 });

export const actionInput = z.object({ id: z.string().min(1), comment: z.string().max(2_000).optional() });

export async function runAction(ctx: Context & { principal: NonNullable<Context['principal']> }, kind: ActionKind, input: z.infer<typeof actionInput>) {
  const { deps } = ctx;
  try {
    await actOnAlert(actionDeps(deps), { id: input.id, kind, actor: ctx.principal.username, comment: input.comment });
    await audit(deps, ctx.principal.username, `alert.${kind}`, { type: 'alert', id: input.id }, input.comment ? { comment: input.comment } : undefined);
  } catch (error) {
    if (error instanceof ActionError) throw new TRPCError({ code: error.code, message: error.message });
    throw error;
  }
  return (await deps.alerts.get(input.id))!;
}

export const alertsRouter = router({
  /** Alerts newest first; `silencedBy` names the silence or window holding an open alert's messages. */
  list: protectedProcedure.input(alertListInput).query(async ({ ctx, input }) => {
    const [rows, suppressions] = await Promise.all([ctx.deps.alerts.list(input), loadSuppressions(ctx.deps.store.db, ctx.deps.config.maintenanceWindows, Date.now())]);
    return rows.map((a) => ({ ...a, silencedBy: a.status === 'resolved' ? null : suppressions.match(a.rule, a.labels) }));
  }),

  get: protectedProcedure.input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const [found, suppressions, actions] = await Promise.all([
      ctx.deps.alerts.get(input.id),
      loadSuppressions(ctx.deps.store.db, ctx.deps.config.maintenanceWindows, Date.now()),
      ctx.deps.store.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetType, 'alert'), eq(auditEvents.targetId, input.id)))
        .orderBy(auditEvents.at),
    ]);
    if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `no alert ${input.id}` });
    return { ...found, silencedBy: found.alert.status === 'resolved' ? null : suppressions.match(found.alert.rule, found.alert.labels), audit: actions };
  }),

  acknowledge: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'acknowledge', input)),
  unacknowledge: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'unacknowledge', input)),
  resolve: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'resolve', input)),

  /** Every transition as it is committed, resumable by event id. */
  live: protectedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({ ctx, input, signal }) {
    yield* followStream(ctx.deps.alertFeed, ctx.deps.redis, input?.lastEventId, signal, ({ id: _id, ...event }) => event);
  }),
});
