import type { Redis } from 'ioredis';
import { QUEUES, openQueue, type RedisKeys } from '@vigia/live';

export interface EvaluateTick {
  /** When the worker started it (the evaluator reads its clock right then). */
  processedOn: number;
  /** When BullMQ's scheduler meant it to run. */
  scheduledFor: number;
  ms: number | null;
  transitions: number | null;
  series: number | null;
  skipped?: string;
}

/**
 * The evaluate ticks BullMQ still holds (the last 20 completed, by the queue's job options),
 * oldest first, with what each returned: the worker's own account of its ticks.
 */
export async function evaluateTicks(redis: Redis, keys: RedisKeys): Promise<EvaluateTick[]> {
  const queue = openQueue(QUEUES.evaluate.name, redis, keys, () => {});
  try {
    const jobs = await queue.getJobs(['completed'], 0, 50);
    return jobs
      .filter((j) => j.processedOn !== undefined)
      .map((j) => {
        const r = (j.returnvalue ?? {}) as { skipped?: string; ms?: number; transitions?: number; series?: number };
        return { processedOn: j.processedOn!, scheduledFor: j.timestamp + (j.opts.delay ?? 0), ms: r.ms ?? null, transitions: r.transitions ?? null, series: r.series ?? null, skipped: r.skipped };
      })
      .sort((a, b) => a.processedOn - b.processedOn);
  } finally {
    await queue.close();
  }
}
