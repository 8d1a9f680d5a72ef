import { z } from 'zod';
import { uptimeReport } from '../status/uptime-report.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const uptimeRouter = router({
  /** Each probe's uptime over 24 h / 7 d / 30 d / 90 d and its last 90 UTC days. */
  list: protectedProcedure.input(z.object({ probes: z.array(z.string().min(1)).max(500).optional() }).optional()).query(({ ctx, input }) => uptimeReport(ctx.deps, Date.now(), input?.probes)),
});
