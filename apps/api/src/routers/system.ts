import { protectedProcedure, router } from '../trpc.ts';
import type { ApiDeps } from '../deps.ts';

const VERSION = '0.1.0';

export async function systemInfo(deps: ApiDeps) {
  const [info, collectors] = await Promise.all([deps.health.info(), deps.health.list()]);
  const { updatedAt, ...host } = (info.system ?? {}) as Record<string, unknown>;
  return {
    timestamp: Date.now(),
    host: info.system ? { ...host, uptimeSeconds: typeof host.bootTime === 'number' ? Math.round((Date.now() - host.bootTime) / 1000) : null, updatedAt } : null,
    vigia: {
      version: VERSION,
      node: process.version,
      apiUptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      store: deps.store.kind,
    },
    collectors,
    plugins: Object.fromEntries(Object.entries(info).filter(([k]) => k !== 'system')),
  };
}

export const systemRouter = router({
  info: protectedProcedure.query(({ ctx }) => systemInfo(ctx.deps)),
  collectors: protectedProcedure.query(({ ctx }) => ctx.deps.health.list()),
});
