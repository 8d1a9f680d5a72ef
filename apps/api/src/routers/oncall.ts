import { TRPCError } from '@trpc/server';
import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { loadOncall, loadSchedules } from '@vigia/alerting';
import { oncallOverrides } from '@vigia/db';
import { shiftsBetween } from '@vigia/oncall';
import { audit } from '../audit.ts';
import { NEXT_HORIZON_MS, scheduleSummaries } from '../oncall-view.ts';
import { oncallEditProcedures } from './oncall-edit.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';

/** A range of shifts is computed on each call: bounded so one request cannot ask for centuries. */
const MAX_RANGE_MS = 92 * 86_400_000;
const MAX_OVERRIDE_MS = 92 * 86_400_000;

export const oncallRouter = router({
  ...oncallEditProcedures,

  /** Every schedule with who is on call now and who is next (overrides from the API included). */
  schedules: protectedProcedure.query(async ({ ctx }) => {
    const at = Date.now();
    const oncall = await loadOncall(ctx.deps.store.db, ctx.deps.config);
    // users: who an override may name (everyone under oncall.users or added in the dashboard).
    return {
      at,
      users: Object.keys(oncall.users).sort(),
      schedules: scheduleSummaries(await loadSchedules(ctx.deps.store.db, ctx.deps.config, at, at + NEXT_HORIZON_MS, oncall), at).map((s) => ({
        ...s,
        source: oncall.stored.schedules.has(s.name) ? ('dashboard' as const) : ('file' as const),
      })),
    };
  }),

  /** The shifts of one schedule in [from, to) (epoch ms): who is actually on call, overrides applied. */
  shifts: protectedProcedure
    .input(z.object({ schedule: z.string(), from: z.number().int(), to: z.number().int() }).refine((i) => i.to > i.from, { message: 'to must be after from', path: ['to'] }))
    .query(async ({ ctx, input }) => {
      if (input.to - input.from > MAX_RANGE_MS) throw new TRPCError({ code: 'BAD_REQUEST', message: 'ask for at most 92 days of shifts at a time' });
      const schedule = (await loadSchedules(ctx.deps.store.db, ctx.deps.config, input.from, input.to))[input.schedule];
      if (!schedule) throw new TRPCError({ code: 'NOT_FOUND', message: `no schedule named "${input.schedule}" under oncall.schedules or added in the dashboard` });
      return { schedule: schedule.name, timeZone: schedule.timeZone, shifts: shiftsBetween(schedule, input.from, input.to) };
    }),

  /** Overrides added through the API that have not ended yet, soonest first. */
  overrides: protectedProcedure.input(z.object({ schedule: z.string().optional() }).default({})).query(({ ctx, input }) => {
    const notEnded = gt(oncallOverrides.endsAt, new Date());
    return ctx.deps.store.db
      .select()
      .from(oncallOverrides)
      .where(input.schedule ? and(notEnded, eq(oncallOverrides.schedule, input.schedule)) : notEnded)
      .orderBy(asc(oncallOverrides.startsAt))
      .limit(500);
  }),

  /** "ana covers bruno Saturday 09:00-18:00": `user` is on call in `schedule` over [startsAt, endsAt). */
  addOverride: operatorProcedure
    .input(
      z
        .object({ schedule: z.string(), user: z.string(), startsAt: z.number().int(), endsAt: z.number().int(), comment: z.string().trim().max(2_000).optional() })
        .refine((i) => i.endsAt > i.startsAt, { message: 'an override must end after it starts', path: ['endsAt'] })
        .refine((i) => i.endsAt - i.startsAt <= MAX_OVERRIDE_MS, { message: 'an override lasts at most 92 days; change the rotation in monitoring.yaml for longer', path: ['endsAt'] }),
    )
    .mutation(async ({ ctx, input }) => {
      const oncall = await loadOncall(ctx.deps.store.db, ctx.deps.config);
      if (!Object.hasOwn(oncall.schedules, input.schedule))
        throw new TRPCError({ code: 'NOT_FOUND', message: `no schedule named "${input.schedule}" under oncall.schedules or added in the dashboard` });
      if (!Object.hasOwn(oncall.users, input.user)) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `no user named "${input.user}" under oncall.users or added in the dashboard (have: ${Object.keys(oncall.users).sort().join(', ') || 'none'})`,
        });
      }
      if (input.endsAt <= Date.now()) throw new TRPCError({ code: 'BAD_REQUEST', message: 'that override would already be over' });
      const [row] = await ctx.deps.store.db
        .insert(oncallOverrides)
        .values({ schedule: input.schedule, user: input.user, startsAt: new Date(input.startsAt), endsAt: new Date(input.endsAt), comment: input.comment || null, createdBy: ctx.principal.username })
        .returning();
      await audit(
        ctx.deps,
        ctx.principal.username,
        'oncall.override_add',
        { type: 'schedule', id: input.schedule },
        { id: row!.id, user: input.user, startsAt: new Date(input.startsAt).toISOString(), endsAt: new Date(input.endsAt).toISOString(), comment: input.comment ?? null },
      );
      return row!;
    }),

  removeOverride: operatorProcedure.input(z.object({ id: z.number().int() })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.deps.store.db.delete(oncallOverrides).where(eq(oncallOverrides.id, input.id)).returning();
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no override ${input.id}` });
    await audit(
      ctx.deps,
      ctx.principal.username,
      'oncall.override_remove',
      { type: 'schedule', id: row.schedule },
      { id: row.id, user: row.user, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() },
    );
    return { removed: row.id };
  }),
});
