import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { formatDuration } from '@vigia/core';
import { readSloStatus, sloBacktest, sloBurnDown, sliMetrics, sloRuleName } from '@vigia/alerting';
import { checkSlo, type SloConfig } from '@vigia/config';
import { metricExists, slos, type StoredSlo } from '@vigia/db';
import { audit } from '../audit.ts';
import type { ApiDeps } from '../deps.ts';
import { catalogSlos, type CatalogedSlo } from '../slo-catalog.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';

const windowText = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms));

/** An SLO as the API shows it: objective, budget (percent) and the burn rate of every window, now. */
export async function sloReport(deps: ApiDeps, { slo, source, row }: CatalogedSlo, now: number) {
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
    /** `config`: monitoring.yaml, read-only here. `api`: made in the dashboard or the API. */
    source,
    /** As written under `slos:` (without the name), for the edit form; API SLOs only. */
    ...(row ? { spec: row.spec, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() } : {}),
  };
}

async function findSlo(deps: ApiDeps, name: string): Promise<SloConfig> {
  const found = (await catalogSlos(deps)).find((s) => s.slo.name === name);
  if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `no SLO named "${name}" under slos in ${deps.config.file} or made in the dashboard` });
  return found.slo;
}

const name = z.string().trim().min(1, 'an SLO needs a name').max(200, 'an SLO name is at most 200 characters');
const spec = z.record(z.string(), z.unknown(), { error: 'the SLO must be an object like { objective, window, sli: { errors, total } }' });

/** The name is the row's own column; inside the spec it would only be a second, stale copy. */
function withoutName({ name: _, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

/** Validates as monitoring.yaml would, or refuses with every problem named by its key. */
function validated(sloName: string, raw: Record<string, unknown>): SloConfig {
  const checked = checkSlo(sloName, raw);
  if (!checked.ok) throw new TRPCError({ code: 'BAD_REQUEST', message: `invalid SLO: ${checked.problems.join('; ')}` });
  return checked.slo;
}

const inFile = (deps: ApiDeps, sloName: string) => deps.config.slos.some((s) => s.name === sloName);

async function rowOf(deps: ApiDeps, sloName: string): Promise<StoredSlo> {
  const [row] = await deps.store.db.select().from(slos).where(eq(slos.name, sloName));
  if (row && !inFile(deps, sloName)) return row;
  throw new TRPCError({ code: 'NOT_FOUND', message: inFile(deps, sloName) ? `SLO "${sloName}" is defined in ${deps.config.file}: change it there` : `no SLO named "${sloName}"` });
}

/** Workers watch this number and evaluate the stored SLOs anew within seconds of a change. */
async function announce(deps: ApiDeps): Promise<void> {
  await deps.redis.incr(deps.keys.slosVersion);
}

const auditDetail = (slo: SloConfig) => ({ objective: slo.objective, window: windowText(slo.window), sli: slo.sli });

export const slosRouter = router({
  /** Every SLO, monitoring.yaml's (read-only) and those made here, with its budget and burn rates now. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const now = Date.now();
    return Promise.all((await catalogSlos(ctx.deps)).map((entry) => sloReport(ctx.deps, entry, now)));
  }),

  create: operatorProcedure.input(z.object({ name, slo: spec })).mutation(async ({ ctx, input }) => {
    const slo = validated(input.name, withoutName(input.slo));
    if (inFile(ctx.deps, slo.name)) throw new TRPCError({ code: 'CONFLICT', message: `${ctx.deps.config.file} already has an SLO named "${slo.name}"; pick another name` });
    const user = ctx.principal.username;
    const [row] = await ctx.deps.store.db
      .insert(slos)
      .values({ name: slo.name, spec: withoutName(input.slo), createdBy: user, updatedBy: user })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new TRPCError({ code: 'CONFLICT', message: `an SLO named "${slo.name}" exists; edit it or pick another name` });
    await audit(ctx.deps, user, 'slo.create', { type: 'slo', id: row.name }, auditDetail(slo));
    await announce(ctx.deps);
    return sloReport(ctx.deps, { slo, source: 'api', row }, Date.now());
  }),

  /** Replaces an SLO's settings (its name stays: it names the SLO's alerts). */
  update: operatorProcedure.input(z.object({ name, slo: spec })).mutation(async ({ ctx, input }) => {
    const before = await rowOf(ctx.deps, input.name);
    const raw = withoutName(input.slo);
    const slo = validated(before.name, raw);
    const [row] = await ctx.deps.store.db.update(slos).set({ spec: raw, updatedBy: ctx.principal.username, updatedAt: new Date() }).where(eq(slos.id, before.id)).returning();
    await audit(ctx.deps, ctx.principal.username, 'slo.update', { type: 'slo', id: before.name }, auditDetail(slo));
    await announce(ctx.deps);
    return sloReport(ctx.deps, { slo, source: 'api', row: row! }, Date.now());
  }),

  /** Its alerts resolve on the workers' next tick. */
  remove: operatorProcedure.input(z.object({ name })).mutation(async ({ ctx, input }) => {
    const before = await rowOf(ctx.deps, input.name);
    await ctx.deps.store.db.delete(slos).where(eq(slos.id, before.id));
    await audit(ctx.deps, ctx.principal.username, 'slo.remove', { type: 'slo', id: before.name });
    await announce(ctx.deps);
    return { ok: true };
  }),

  /** The budget left over the SLO's window, step by step (had the window ended there), for its burn-down chart. */
  burnDown: protectedProcedure.input(z.object({ name: z.string().min(1), points: z.number().int().min(10).max(1_000).default(200) })).query(async ({ ctx, input }) => {
    const slo = await findSlo(ctx.deps, input.name);
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
      const slo = await findSlo(ctx.deps, input.name);
      const result = await sloBacktest(ctx.deps.store.sql, slo, input.from, input.to);
      return { name: slo.name, ...result, pages: result.episodes.filter((e) => e.pagedAt !== null).length };
    }),
});
