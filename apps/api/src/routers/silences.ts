import { TRPCError } from '@trpc/server';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { maintenanceWindows, silences } from '@vigia/db';
import { activeOccurrence, loadWindows, suppressionsChanged } from '@vigia/alerting';
import { maintenanceWindowSchema, matchSchema } from '@vigia/config';
import { audit } from '../audit.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';

const MAX_SILENCE_MS = 30 * 86_400_000;

export const silencesRouter = router({
  list: protectedProcedure.input(z.object({ includeEnded: z.boolean().default(false) }).default({ includeEnded: false })).query(({ ctx, input }) => {
    const { db } = ctx.deps.store;
    const where = input.includeEnded ? undefined : and(isNull(silences.endedAt), gt(silences.endsAt, new Date()));
    return db.select().from(silences).where(where).orderBy(desc(silences.createdAt)).limit(500);
  }),

  /** Silences alerts of a rule and/or labels from `startsAt` (default now) for `durationMs` or until `endsAt`. */
  create: operatorProcedure
    .input(
      z
        .object({
          match: matchSchema,
          startsAt: z.number().int().optional(),
          endsAt: z.number().int().optional(),
          durationMs: z.number().int().positive().max(MAX_SILENCE_MS).optional(),
          comment: z.string().trim().min(1, 'say why').max(2_000),
          /** The alert it was made from, whose audit trail then shows it. */
          alertId: z.string().optional(),
        })
        .refine((i) => i.endsAt !== undefined || i.durationMs !== undefined, { message: 'give endsAt or durationMs', path: ['endsAt'] }),
    )
    .mutation(async ({ ctx, input }) => {
      const startsAt = input.startsAt ?? Date.now();
      const endsAt = input.endsAt ?? startsAt + input.durationMs!;
      if (endsAt <= startsAt) throw new TRPCError({ code: 'BAD_REQUEST', message: 'a silence must end after it starts' });
      if (endsAt - startsAt > MAX_SILENCE_MS) throw new TRPCError({ code: 'BAD_REQUEST', message: 'a silence lasts at most 30 days; use a maintenance window for recurring quiet' });
      const [row] = await ctx.deps.store.db
        .insert(silences)
        .values({ matchers: input.match, startsAt: new Date(startsAt), endsAt: new Date(endsAt), createdBy: ctx.principal.username, comment: input.comment })
        .returning();
      await suppressionsChanged(ctx.deps.redis, ctx.deps.keys.suppressionsVersion);
      await audit(ctx.deps, ctx.principal.username, 'silence.create', { type: 'silence', id: row!.id }, { match: input.match, startsAt, endsAt, comment: input.comment });
      if (input.alertId) await audit(ctx.deps, ctx.principal.username, 'alert.silence', { type: 'alert', id: input.alertId }, { silence: row!.id, comment: input.comment });
      return row!;
    }),

  /** Ends a silence now; a held notification goes out on the next evaluation if the alert still fires. */
  expire: operatorProcedure.input(z.object({ id: z.number().int() })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.deps.store.db
      .update(silences)
      .set({ endedAt: new Date(), endedBy: ctx.principal.username })
      .where(and(eq(silences.id, input.id), isNull(silences.endedAt)))
      .returning();
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no active silence ${input.id}` });
    await suppressionsChanged(ctx.deps.redis, ctx.deps.keys.suppressionsVersion);
    await audit(ctx.deps, ctx.principal.username, 'silence.expire', { type: 'silence', id: row.id });
    return row;
  }),
});

const windowInput = maintenanceWindowSchema;

export const maintenanceRouter = router({
  /** Windows from monitoring.yaml (read-only) and from the API, with the occurrence open now. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const now = Date.now();
    const windows = await loadWindows(ctx.deps.store.db, ctx.deps.config.maintenanceWindows);
    return windows.map((w) => ({ ...w, source: w.id.startsWith('config:') ? 'config' : 'api', activeNow: activeOccurrence(w.schedule, now) }));
  }),

  create: operatorProcedure.input(windowInput).mutation(async ({ ctx, input }) => {
    if (ctx.deps.config.maintenanceWindows.some((w) => w.name === input.name)) throw new TRPCError({ code: 'CONFLICT', message: `monitoring.yaml already has a window named ${input.name}` });
    const [row] = await ctx.deps.store.db
      .insert(maintenanceWindows)
      .values({
        name: input.name,
        schedule: { every: input.every, at: input.at, days: input.days, cron: input.cron, durationMs: input.duration, timezone: input.timezone },
        matchers: { rule: input.match.rule, labels: input.match.labels },
        comment: input.comment ?? null,
        createdBy: ctx.principal.username,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new TRPCError({ code: 'CONFLICT', message: `a window named ${input.name} exists` });
    await suppressionsChanged(ctx.deps.redis, ctx.deps.keys.suppressionsVersion);
    await audit(ctx.deps, ctx.principal.username, 'maintenance.create', { type: 'maintenance_window', id: row.id }, { name: input.name });
    return row;
  }),

  delete: operatorProcedure.input(z.object({ id: z.number().int() })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.deps.store.db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, input.id)).returning();
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no window ${input.id} (windows of monitoring.yaml are changed there)` });
    await suppressionsChanged(ctx.deps.redis, ctx.deps.keys.suppressionsVersion);
    await audit(ctx.deps, ctx.principal.username, 'maintenance.delete', { type: 'maintenance_window', id: row.id }, { name: row.name });
    return { ok: true };
  }),
});
