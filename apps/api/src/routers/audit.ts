import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvents } from '@vigia/db';
import { protectedProcedure, router } from '../trpc.ts';

export const auditRouter = router({
  /** Every human action, newest first; filter by target (e.g. one alert) or actor. */
  list: protectedProcedure
    .input(
      z.object({ targetType: z.string().optional(), targetId: z.string().optional(), actor: z.string().optional(), limit: z.number().int().min(1).max(1_000).default(200) }).default({ limit: 200 }),
    )
    .query(({ ctx, input }) => {
      const where: SQL[] = [];
      if (input.targetType) where.push(eq(auditEvents.targetType, input.targetType));
      if (input.targetId) where.push(eq(auditEvents.targetId, input.targetId));
      if (input.actor) where.push(eq(auditEvents.actor, input.actor));
      return ctx.deps.store.db
        .select()
        .from(auditEvents)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(auditEvents.at), desc(auditEvents.id))
        .limit(input.limit);
    }),
});
