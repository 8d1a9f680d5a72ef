import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ActionError, actOnAlert, type ActionKind } from '@vigia/alerting';
import { SEVERITIES } from '@vigia/config';
import type { Context } from '../context.ts';
import { followStream } from '../stream-subscription.ts';
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
    await actOnAlert({ store: deps.alerts, rules: deps.rules, config: deps.config, redis: deps.redis, keys: deps.keys }, { id: input.id, kind, actor: ctx.principal.username, comment: input.comment });
  } catch (error) {
    if (error instanceof ActionError) throw new TRPCError({ code: error.code, message: error.message });
    throw error;
  }
  return (await deps.alerts.get(input.id))!;
}

export const alertsRouter = router({
  list: protectedProcedure.input(alertListInput).query(({ ctx, input }) => ctx.deps.alerts.list(input)),

  get: protectedProcedure.input(z.object({ id: z.string() })).query(async ({ ctx, input }) => {
    const found = await ctx.deps.alerts.get(input.id);
    if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `no alert ${input.id}` });
    return found;
  }),

  acknowledge: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'acknowledge', input)),
  unacknowledge: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'unacknowledge', input)),
  resolve: operatorProcedure.input(actionInput).mutation(({ ctx, input }) => runAction(ctx, 'resolve', input)),

  /** Every transition as it is committed, resumable by event id. */
  live: protectedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({ ctx, input, signal }) {
    yield* followStream(ctx.deps.alertFeed, ctx.deps.redis, input?.lastEventId, signal, ({ id: _id, ...event }) => event);
  }),
});
