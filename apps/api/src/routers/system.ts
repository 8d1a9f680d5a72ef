import { planRange } from '@vigia/core';
import { splitScopedName } from '@vigia/live';
import { protectedProcedure, router } from '../trpc.ts';
import type { ApiDeps } from '../deps.ts';

const VERSION = '0.1.0';
/** The collector whose published facts describe a worker's machine. */
const HOST_FACTS_COLLECTOR = 'system';

/** One machine's facts as the system collector published them under `system@<host>`. */
function hostFacts(name: string, published: Record<string, unknown>, now: number) {
  const { updatedAt, ...facts } = published;
  const uptimeSeconds = typeof facts.bootTime === 'number' ? Math.round((now - facts.bootTime) / 1000) : null;
  return { ...facts, name, uptimeSeconds, updatedAt: typeof updatedAt === 'number' ? updatedAt : null };
}

export async function systemInfo(deps: ApiDeps) {
  const [info, collectors] = await Promise.all([deps.health.info(), deps.health.list()]);
  const now = Date.now();
  const hosts = [];
  const plugins: Record<string, Record<string, unknown>> = {};
  for (const [key, published] of Object.entries(info)) {
    const { collector, host } = splitScopedName(key);
    if (collector !== HOST_FACTS_COLLECTOR) plugins[key] = published;
    else if (host !== undefined) hosts.push(hostFacts(host, published, now));
  }
  // Newest first: a machine that stopped reporting long ago sinks to the end.
  hosts.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  return {
    timestamp: now,
    host: hosts[0] ?? null,
    hosts,
    vigia: {
      version: VERSION,
      node: process.version,
      apiUptimeSeconds: Math.round((now - deps.startedAt) / 1000),
      store: deps.store.kind,
    },
    collectors,
    plugins,
  };
}

/** The seed's user activity: active users now, today's peak, and the last 24 h, from the business collector. */
export async function userActivity(deps: ApiDeps) {
  const now = Date.now();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const [current] = await deps.reader.current({ name: 'business_active_users', staleAfterMs: deps.config.storage.staleAfterMs });
  const from = now - 86_400_000;
  const series = await deps.history.range('business_active_users', undefined, from, now, planRange(from, now, 288, now, deps.config.retention));
  const points = series.flatMap((s) => s.points);
  const today = points.filter((p) => p.t >= midnight.getTime()).map((p) => p.max ?? p.v);
  return {
    timestamp: now,
    activeUsers: current && !current.stale ? current.value : null,
    peakToday: today.length ? Math.max(...today, current?.value ?? 0) : (current?.value ?? null),
    history: points.map((p) => ({ timestamp: p.t, value: p.v })),
  };
}

export const systemRouter = router({
  info: protectedProcedure.query(({ ctx }) => systemInfo(ctx.deps)),
  /** Each collector's health (unhealthy ones included, with their last error) and what it published (e.g. top queries). */
  collectors: protectedProcedure.query(async ({ ctx }) => {
    const [health, info] = await Promise.all([ctx.deps.health.list(), ctx.deps.health.info()]);
    return health.map((h) => ({ ...h, info: info[h.name] ?? null }));
  }),
  userActivity: protectedProcedure.query(({ ctx }) => userActivity(ctx.deps)),
});
