import type { FastifyInstance } from 'fastify';
import { checkRedisUsable } from '@vigia/live';
import type { ApiDeps } from './deps.ts';

async function probe(fn: () => Promise<unknown>, timeoutMs = 2_000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz`: no authentication, says which part is down (Redis, database) with 503. */
export function healthRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async (_req, reply) => {
    // A write read back on Vigia's own database: PING answers on a database that is not it.
    const [redis, database] = await Promise.all([probe(() => checkRedisUsable(deps.redis, deps.keys.healthz)), probe(() => deps.history.ping())]);
    const pending = redis.ok ? await deps.redis.xlen(deps.keys.ingest).catch(() => null) : null;
    const ok = redis.ok && database.ok;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      redis,
      database: { ...database, kind: deps.store.kind },
      // Batches waiting in Redis for PostgreSQL: grows while the database is away, drains after.
      historyBacklog: pending,
    });
  });
}
