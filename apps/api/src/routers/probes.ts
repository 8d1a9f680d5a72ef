import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { checkProbe, maskProbe, probeTarget, restoreProbeSecrets, type ProbeConfig } from '@vigia/config';
import { probes, type StoredProbe } from '@vigia/db';
import { audit } from '../audit.ts';
import type { ApiDeps } from '../deps.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';

/** A probe as lists show it: what it checks, how often, and where it was made. Secrets as `***`. */
export interface ProbeView {
  name: string;
  /** `config`: monitoring.yaml, read-only here. `api`: made in the dashboard or the API. */
  source: 'config' | 'api';
  paused: boolean;
  type: ProbeConfig['check']['type'];
  target: string;
  intervalMs: number;
  timeoutMs: number;
  labels: Record<string, string>;
  /** As written under `probes:` (without the name), for the edit form; API probes only. */
  spec?: Record<string, unknown>;
  updatedBy?: string;
  updatedAt?: string;
}

const name = z.string().trim().min(1, 'a probe needs a name');
const spec = z.record(z.string(), z.unknown(), { error: 'the probe must be an object like { interval, timeout, labels, http: { url } }' });

function viewOf(probe: ProbeConfig, source: ProbeView['source'], row?: StoredProbe): ProbeView {
  return {
    name: probe.name,
    source,
    paused: row?.paused ?? false,
    type: probe.check.type,
    target: probeTarget(probe.check),
    intervalMs: probe.intervalMs,
    timeoutMs: probe.timeoutMs,
    labels: probe.labels,
    ...(row ? { spec: maskProbe(row.spec), updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() } : {}),
  };
}

/** The name is the row's own column; inside the spec it would only be a second, stale copy. */
function withoutName({ name: _, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

/** Validates as monitoring.yaml would, or refuses with every problem named by its key. */
function validated(probeName: string, raw: Record<string, unknown>): ProbeConfig {
  const checked = checkProbe(probeName, raw);
  if (!checked.ok) throw new TRPCError({ code: 'BAD_REQUEST', message: `invalid probe: ${checked.problems.join('; ')}` });
  return checked.probe;
}

async function rowOf(deps: ApiDeps, probeName: string): Promise<StoredProbe> {
  const [row] = await deps.store.db.select().from(probes).where(eq(probes.name, probeName));
  if (row) return row;
  const inFile = deps.config.probes.some((p) => p.name === probeName);
  throw new TRPCError({ code: 'NOT_FOUND', message: inFile ? `probe "${probeName}" is defined in monitoring.yaml: change it there` : `no probe named "${probeName}"` });
}

/** Workers watch this number and reload the stored probes within seconds of a change. */
async function announce(deps: ApiDeps): Promise<void> {
  await deps.redis.incr(deps.keys.probesVersion);
}

export const probesRouter = router({
  /** Every probe: monitoring.yaml's (read-only) and those made here, by name. */
  list: protectedProcedure.query(async ({ ctx }): Promise<ProbeView[]> => {
    const rows = await ctx.deps.store.db.select().from(probes).orderBy(asc(probes.name));
    const fromFile = ctx.deps.config.probes.map((p) => viewOf(p, 'config'));
    const taken = new Set(fromFile.map((p) => p.name));
    const stored = rows.flatMap((row) => {
      if (taken.has(row.name)) return [];
      const checked = checkProbe(row.name, row.spec);
      return checked.ok ? [viewOf(checked.probe, 'api', row)] : [];
    });
    return [...fromFile, ...stored].sort((a, b) => a.name.localeCompare(b.name));
  }),

  create: operatorProcedure.input(z.object({ name, probe: spec })).mutation(async ({ ctx, input }) => {
    const probe = validated(input.name, input.probe);
    if (ctx.deps.config.probes.some((p) => p.name === probe.name)) throw new TRPCError({ code: 'CONFLICT', message: `monitoring.yaml already has a probe named "${probe.name}"` });
    const user = ctx.principal.username;
    const [row] = await ctx.deps.store.db
      .insert(probes)
      .values({ name: probe.name, spec: withoutName(input.probe), createdBy: user, updatedBy: user })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new TRPCError({ code: 'CONFLICT', message: `a probe named "${probe.name}" exists` });
    await audit(ctx.deps, user, 'probe.create', { type: 'probe', id: row.name }, { type: probe.check.type, target: probeTarget(probe.check) });
    await announce(ctx.deps);
    return viewOf(probe, 'api', row);
  }),

  /** Replaces a probe's settings; a `***` sent back keeps the secret stored at that place. */
  update: operatorProcedure.input(z.object({ name, probe: spec })).mutation(async ({ ctx, input }) => {
    const before = await rowOf(ctx.deps, input.name);
    const raw = withoutName(restoreProbeSecrets(input.probe, before.spec));
    const probe = validated(input.name, raw);
    const [row] = await ctx.deps.store.db.update(probes).set({ spec: raw, updatedBy: ctx.principal.username, updatedAt: new Date() }).where(eq(probes.id, before.id)).returning();
    await audit(ctx.deps, ctx.principal.username, 'probe.update', { type: 'probe', id: before.name }, { type: probe.check.type, target: probeTarget(probe.check) });
    await announce(ctx.deps);
    return viewOf(probe, 'api', row);
  }),

  /** A paused probe stays listed but no worker runs it until it is resumed. */
  setPaused: operatorProcedure.input(z.object({ name, paused: z.boolean() })).mutation(async ({ ctx, input }) => {
    const before = await rowOf(ctx.deps, input.name);
    const [row] = await ctx.deps.store.db.update(probes).set({ paused: input.paused, updatedBy: ctx.principal.username, updatedAt: new Date() }).where(eq(probes.id, before.id)).returning();
    await audit(ctx.deps, ctx.principal.username, input.paused ? 'probe.pause' : 'probe.resume', { type: 'probe', id: before.name });
    await announce(ctx.deps);
    return { name: row!.name, paused: row!.paused };
  }),

  remove: operatorProcedure.input(z.object({ name })).mutation(async ({ ctx, input }) => {
    const before = await rowOf(ctx.deps, input.name);
    await ctx.deps.store.db.delete(probes).where(eq(probes.id, before.id));
    await audit(ctx.deps, ctx.principal.username, 'probe.remove', { type: 'probe', id: before.name });
    await announce(ctx.deps);
    return { ok: true };
  }),
});
