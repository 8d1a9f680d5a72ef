import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { shiftsBetween } from '@vigia/oncall';
import { findSchedule, scheduleSummaries } from '../oncall-view.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** A range of shifts is computed on each call: bounded so one request cannot ask for centuries. */
const MAX_RANGE_MS = 92 * 86_400_000;

export const oncallRouter = router({
  /** Every schedule with who is on call now and who is next. */
  schedules: protectedProcedure.query(({ ctx }) => ({ at: Date.now(), schedules: scheduleSummaries(ctx.deps.config, Date.now()) })),

  /** The shifts of one schedule in [from, to) (epoch ms): who is actually on call, overrides applied. */
  shifts: protectedProcedure
    .input(z.object({ schedule: z.string(), from: z.number().int(), to: z.number().int() }).refine((i) => i.to > i.from, { message: 'to must be after from', path: ['to'] }))
    .query(({ ctx, input }) => {
      const schedule = findSchedule(ctx.deps.config, input.schedule);
      if (!schedule) throw new TRPCError({ code: 'NOT_FOUND', message: `no schedule named "${input.schedule}" under oncall.schedules` });
      if (input.to - input.from > MAX_RANGE_MS) throw new TRPCError({ code: 'BAD_REQUEST', message: 'ask for at most 92 days of shifts at a time' });
      return { schedule: schedule.name, timeZone: schedule.timeZone, shifts: shiftsBetween(schedule, input.from, input.to) };
    }),
});
