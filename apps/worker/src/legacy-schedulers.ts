import { openQueue, type RedisKeys } from '@vigia/live';
import type { Redis } from 'ioredis';

/**
 * Earlier Vigia ticked collectors and retention with BullMQ job schedulers in these queues.
 * Left behind, a scheduler goes on adding a job every tick that no worker takes any more, and
 * Redis grows without end; the host queue is this machine's (other machines' workers remove theirs).
 */
export async function removeLegacySchedulers(redis: Redis, keys: RedisKeys, host: string): Promise<number> {
  const names = ['collect', `collect-host.${host.replace(/[^A-Za-z0-9_.-]/g, '_')}`, 'maintenance'];
  let removed = 0;
  for (const name of names) {
    const queue = openQueue(name, redis, keys, () => {});
    try {
      const schedulers = await queue.getJobSchedulers();
      if (!schedulers.length) continue;
      for (const s of schedulers) await queue.removeJobScheduler(s.key);
      await queue.obliterate({ force: true });
      removed += schedulers.length;
    } finally {
      await queue.close();
    }
  }
  return removed;
}
