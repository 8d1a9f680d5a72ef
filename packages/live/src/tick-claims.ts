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
  private batch: { key: string; holdMs: number; resolve: (mine: boolean) => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly owner: string,
  ) {}

  /**
   * True when this worker is the one to run the tick. Held long enough that a worker whose clock is behind by up to `holdMs` still finds it taken.
   * Claims asked for in one turn of the event loop go in one pipeline: the timers of one tick (200
   * probes at 10 s) all fire in the same turn, and one write is far cheaper than 200 on a busy machine.
   */
  claim(task: string, tick: number, holdMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.batch.push({ key: this.keys.tickClaim(task, tick), holdMs, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    const pipeline = this.redis.pipeline();
    for (const c of batch) pipeline.set(c.key, this.owner, 'PX', c.holdMs, 'NX');
    pipeline.exec().then(
      (answers) =>
        batch.forEach((c, i) => {
          const [error, answer] = answers?.[i] ?? [new Error('Redis gave no answer to the claim')];
          if (error) c.reject(error);
          else c.resolve(answer === 'OK');
        }),
      (error) => batch.forEach((c) => c.reject(error)),
    );
  }
}
