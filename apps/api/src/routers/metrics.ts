import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { planRange } from '@vigia/core';
import type { LiveSample } from '@vigia/live';
import { withLiveTail } from '../history-tail.ts';
import { followStream } from '../stream-subscription.ts';
import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';
import { MAX_PUSH_SAMPLES, ingestSamples } from '../ingest.ts';

const labelsInput = z.record(z.string(), z.string()).optional();
const MAX_POINTS = 10_000;

export const historyInput = z
  .object({
    name: z.string().min(1),
    labels: labelsInput,
    /** ms since the epoch; default one hour before `to` */
    from: z.number().int().nonnegative().optional(),
    /** ms since the epoch; default now */
    to: z.number().int().nonnegative().optional(),
    maxPoints: z.number().int().min(1).max(MAX_POINTS).default(1_000),
  })
  .refine((i) => i.from === undefined || i.to === undefined || i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });

export const liveInput = z
  .object({
    /** Only these metric names (all when absent). */
    names: z.array(z.string()).optional(),
    /** Set by the client on reconnect: batches after it are replayed first. */
    lastEventId: z.string().nullish(),
  })
  .optional();

function publicSample(s: LiveSample & { stale?: true }) {
  return { name: s.name, labels: s.labels, value: s.value, unit: s.unit ?? null, timestamp: s.timestamp, stale: s.stale ?? false };
}

export const metricsRouter = router({
  current: protectedProcedure.input(z.object({ name: z.string().optional(), labels: labelsInput }).optional()).query(async ({ ctx, input }) => {
    const samples = await ctx.deps.reader.current({ ...input, staleAfterMs: ctx.deps.config.storage.staleAfterMs });
    return { timestamp: Date.now(), metrics: samples.map(publicSample) };
  }),

  list: protectedProcedure.query(async ({ ctx }) => {
    const [current, descriptors, stored] = await Promise.all([ctx.deps.reader.current(), ctx.deps.reader.descriptors(), ctx.deps.history.listSeries()]);
    const byName = new Map<string, { name: string; unit: string | null; help: string | null; series: Set<string>; labelNames: Set<string> }>();
    const add = (name: string, key: string, labels: Record<string, string>, unit: string | null | undefined) => {
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { name, unit: null, help: descriptors[name]?.help ?? null, series: new Set(), labelNames: new Set() }));
      entry.series.add(key);
      entry.unit ??= unit ?? descriptors[name]?.unit ?? null;
      for (const l of Object.keys(labels)) entry.labelNames.add(l);
    };
    for (const s of stored) add(s.name, s.key, s.labels, s.unit);
    for (const s of current) add(s.name, s.key, s.labels, s.unit);
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map((e) => ({ name: e.name, unit: e.unit, help: e.help, series: e.series.size, labelNames: [...e.labelNames].sort() }));
  }),

  history: protectedProcedure.input(historyInput).query(async ({ ctx, input }) => {
    const now = Date.now();
    const to = input.to ?? now;
    const from = input.from ?? to - 3_600_000;
    const plan = planRange(from, to, input.maxPoints, now, ctx.deps.config.retention);
    const [stored, current] = await Promise.all([ctx.deps.history.range(input.name, input.labels, from, to, plan), ctx.deps.reader.current({ name: input.name, labels: input.labels })]);
    if (stored.length === 0 && current.length === 0) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `no metric named ${input.name}` });
    }
    const series = await withLiveTail(ctx.deps.reader, stored, current, { from, to, plan });
    return { name: input.name, from, to, resolution: plan.resolution, bucketMs: plan.bucketMs, series };
  }),

  /** Applications push samples here (or POST /api/metrics); invalid ones are refused one by one. */
  push: operatorProcedure.input(z.object({ samples: z.array(z.unknown()).max(MAX_PUSH_SAMPLES) })).mutation(({ ctx, input }) => ingestSamples(ctx.deps, input.samples)),

  live: protectedProcedure.input(liveInput).subscription(async function* ({ ctx, input, signal }) {
    const names = input?.names?.length ? new Set(input.names) : null;
    ctx.deps.liveSubscribers.count++;
    try {
      yield* followStream(ctx.deps.feed, ctx.deps.redis, input?.lastEventId, signal, (batch) => {
        const samples = names ? batch.samples.filter((s) => names.has(s.name)) : batch.samples;
        return samples.length ? { source: batch.source, samples: samples.map(publicSample) } : null;
      });
    } finally {
      ctx.deps.liveSubscribers.count--;
    }
  }),
});
