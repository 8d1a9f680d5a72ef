import type { Job } from 'bullmq';
import { deliver } from '@vigia/alerting';
import type { Store } from '@vigia/db';
import { QUEUES, type JobCounters, type NotifyPayload } from '@vigia/live';
import type { AppLogger } from '@vigia/log';

type DeliverOptions = Parameters<typeof deliver>[3];

/** One notification to one channel: the `notify` queue's processor (retries and backoff are the queue's). */
export function notifyJob(deps: { store: Store; channels: Parameters<typeof deliver>[2]; options: Omit<DeliverOptions, 'attempts'> & { attempts: number }; counters: JobCounters; logger: AppLogger }) {
  const { store, channels, options, counters, logger } = deps;
  return async (job: Job<NotifyPayload>) => {
    const started = performance.now();
    try {
      return await deliver(job, store.db, channels, { ...options, attempts: job.opts.attempts ?? options.attempts }, logger.child('deliver'));
    } finally {
      counters.record(QUEUES.notify.name, (performance.now() - started) / 1000);
    }
  };
}
