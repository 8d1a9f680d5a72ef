import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { formatDuration } from '@vigia/core';
import { readSloStatus, sloBacktest, sloBurnDown, sliMetrics, sloRuleName } from '@vigia/alerting';
import type { SloConfig } from '@vigia/config';
import { metricExists } from '@vigia/db';
import type { ApiDeps } from '../deps.ts';
import { protectedProcedure, router } from '../trpc.ts';

const windowText = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms));

/** An SLO as the API shows it: objective, budget (percent) and the burn rate of every window, now. */
export async function sloReport(deps: ApiDeps, slo: SloConfig, now: number) {
  const status = await readSloStatus(deps.store.sql, slo, now);
  const problems: string[] = [];
  if (status.level === 'no_data') {
    for (const metric of sliMetrics(slo)) {
      const labels = metric === 'probe_success' && 'probe' in slo.sli ? { ...slo.labels, probe: slo.sli.probe } : slo.labels;
      if (!(await metricExists(deps.store.sql, metric, labels))) problems.push(`no series of ${metric}${labels ? ` with ${JSON.stringify(labels)}` : ''} has been reported`);
    }
    if (!problems.length) problems.push(`no samples in the last ${windowText(slo.window)}`);
  }
  const alertRules = [sloRuleName(slo.name, 'page'), sloRuleName(slo.name, 'ticket')];
  return {
    name: slo.name,
    objective: slo.objective,
    window: windowText(slo.window),
    windowMs: slo.window,
    sli: slo.sli,
    labels: slo.labels ?? {},
    /** page, ticket, ok or no_data. */
    status: status.level,
    /** Percent of the error budget left over the window (negative once overspent); null without data. */
    errorBudgetRemaining: status.budget?.remaining ?? null,
    errorBudgetConsumed: status.budget?.consumed ?? null,
    /** At the 1 h burn rate, seconds until the budget is gone; null when it is not being spent. */
    timeToExhaustionSeconds: status.budget?.exhaustedInMs == null ? null : Math.round(status.budget.exhaustedInMs / 1000),
    /** The SLI's error ratio over the whole window, 0-1. */
    errorRatio: status.errorRatio,
    burnRates: status.burnRates,
    alertRules,
    problems,
  };
}

function findSlo(deps: ApiDeps, name: string): SloConfig {
  const slo = deps.config.slos.find((s) => s.name === name);
  if (!slo) throw new TRPCError({ code: 'NOT_FOUND', message: `no SLO named "${name}" under slos in ${deps.config.file}` });
  return slo;
}

export const slosRouter = router({
  /** Every SLO of monitoring.yaml with its budget and burn rates now. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const now = Date.now();
    return Promise.all(ctx.deps.config.slos.map((slo) => sloReport(ctx.deps, slo, now)));
  }),
  /** The budget left over the SLO's window, step by step (had the window ended there), for its burn-down chart. */
  burnDown: protectedProcedure.input(z.object({ name: z.string().min(1), points: z.number().int().min(10).max(1_000).default(200) })).query(async ({ ctx, input }) => {
    const slo = findSlo(ctx.deps, input.name);
    const now = Date.now();
    return { name: slo.name, from: now - slo.window, to: now, points: await sloBurnDown(ctx.deps.store.sql, slo, now, input.points) };
  }),
  /** Replays the SLO's alerts over stored history, a minute at a time: when it would have paged or ticketed. */
  backtest: protectedProcedure
    .input(
      z
        .object({ name: z.string().min(1), from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
        .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] })
        .refine((i) => i.to - i.from <= 90 * 86_400_000, { message: 'at most 90 days at once', path: ['to'] }),
    )
    .query(async ({ ctx, input }) => {
      const slo = findSlo(ctx.deps, input.name);
      const result = await sloBacktest(ctx.deps.store.sql, slo, input.from, input.to);
      return { name: slo.name, ...result, pages: result.episodes.filter((e) => e.pagedAt !== null).length };
    }),
});
