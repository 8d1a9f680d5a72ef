import type { Job, Queue } from 'bullmq';
import type { CollectPayload } from '@vigia/live';

/**
 * Keeps a collector's BullMQ job scheduler on its grid: ticks due on whole multiples of the
 * interval (12:00:05, 12:00:10… for 5 s), so every series of one interval shares its timestamps
 * and rollups and comparisons across series line up exactly.
 *
 * BullMQ's `every` starts at the moment the scheduler is created and keeps that offset for good;
 * a `startDate` on the grid makes the first tick, and so every later one, land on it. A scheduler
 * created off the grid (by an older Vigia) is replaced once, with its pending tick.
 */
export async function upsertAlignedScheduler(queue: Queue<CollectPayload>, id: string, everyMs: number, template: { name: string; data: CollectPayload; opts: object }): Promise<void> {
  const current = await queue.getJobScheduler(id);
  if (current && current.every === everyMs && (current.next == null || current.next % everyMs !== 0 || (current.offset ?? 0) !== 0)) {
    await queue.removeJobScheduler(id);
    // A tick already waiting is not the scheduler's to remove; one still on the old grid goes too.
    if (current.next != null) await queue.remove(`repeat:${id}:${current.next}`).catch(() => 0);
  }
  const startDate = Math.ceil(Date.now() / everyMs) * everyMs;
  await queue.upsertJobScheduler(id, { every: everyMs, startDate }, template);
}

/**
 * The time a collect job was planned for: its tick, whatever the delay before a worker got to it.
 * A scheduler's job id ends with it (`repeat:<scheduler>:<millis>`, as BullMQ names them); a job
 * added by hand has no planned time and runs as of now.
 */
export function plannedTick(job: Pick<Job, 'id'>, now = Date.now()): number {
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  return match ? Number(match[1]) : now;
}
