import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

/** What a collection counts as in vigia_jobs_total: collections ran as BullMQ `collect` jobs once, and dashboards know them by that name. */
export const COLLECT_JOBS = 'collect';

export const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Periodic tasks every worker times for itself, run once per tick across all of them: the first
 * worker to claim `<task>:<tick>` runs it, the others see the claim and let it be.
 *
 * A BullMQ job scheduler did this before, at four Lua scripts and a blocking pop per tick on each
 * collector's queue (a fifth of an idle worker's CPU). A claim is one SET NX. Nothing queues a
 * tick that nobody ran: a late collection is worth less than the next one.
 */
export class TickClaims {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly owner: string,
  ) {}

  /** True when this worker is the one to run the tick. Held long enough that a worker whose clock is behind by up to `holdMs` still finds it taken. */
  async claim(task: string, tick: number, holdMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.tickClaim(task, tick), this.owner, 'PX', holdMs, 'NX')) === 'OK';
  }
}
