import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

/**
 * Jobs done and time spent per queue (vigia_jobs_total, vigia_job_duration_seconds_total), added
 * up in memory and written to Redis every few seconds: one round trip then instead of one per job,
 * which in a notification storm is hundreds a second. Every 5 s rather than every second: with the
 * system collector at 1 s the flush was a round trip a second of an idle worker, and a scrape at
 * Prometheus' usual 15 s cannot tell the difference.
 */
export class JobCounters {
  private pending = new Map<string, { jobs: number; seconds: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    flushEveryMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => {}), flushEveryMs);
    this.timer.unref();
  }

  record(queue: string, seconds: number): void {
    this.add(queue, 1, seconds);
  }

  private add(queue: string, jobs: number, seconds: number): void {
    const entry = this.pending.get(queue);
    if (entry) {
      entry.jobs += jobs;
      entry.seconds += seconds;
    } else this.pending.set(queue, { jobs, seconds });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const tx = this.redis.multi();
    for (const [queue, { jobs, seconds }] of batch) tx.hincrby(this.keys.counters, `jobs:${queue}`, jobs).hincrbyfloat(this.keys.counters, `job_seconds:${queue}`, seconds);
    try {
      await tx.exec();
    } catch (error) {
      // Redis is away: keep the counts for the next flush rather than lose them.
      for (const [queue, { jobs, seconds }] of batch) this.add(queue, jobs, seconds);
      throw error;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}
