import type { JobCounters, TickClaims } from '@vigia/live';
import { COLLECT_JOBS } from '@vigia/live';
import type { Logger } from '@vigia/core';
import { GridTimer } from '../grid-timer.ts';
import type { CollectorRunner } from '../collector-runner.ts';

/** Claims outlive the tick by this much, for workers whose clocks run a little behind. */
const CLAIM_SLACK_MS = 5_000;

/**
 * Times every collector on its interval's grid in this process and runs each tick here when this
 * worker claims it first. Shared collectors are claimed under their name (one run per tick in the
 * cluster), host-scoped ones under `name@host` (one per tick per machine, however many workers
 * share it). A worker that dies simply stops claiming: the others run its ticks from the next one.
 */
export function startCollectTicks(runners: Iterable<CollectorRunner>, claims: TickClaims, counters: JobCounters, logger: Logger): { stop(): Promise<void> } {
  let claimFailing = false;
  const running = new Set<Promise<void>>();
  const timers = [...runners].map((runner) =>
    new GridTimer(runner.intervalMs, (tick) => {
      const run = (async () => {
        try {
          if (!(await claims.claim(runner.healthName, tick, runner.intervalMs + CLAIM_SLACK_MS))) return;
          claimFailing = false;
        } catch (error) {
          // Without Redis nothing collected could be written anyway; say so once, not every tick.
          if (!claimFailing) logger.warn('could not claim collector ticks; skipping them until Redis answers', { error: (error as Error).message });
          claimFailing = true;
          return;
        }
        const started = performance.now();
        // Stamped with the tick it was planned for, not when it ran: one timestamp per tick.
        await runner.run(tick);
        counters.record(COLLECT_JOBS, (performance.now() - started) / 1000);
      })()
        .catch((error) => logger.warn('collector tick failed', { collector: runner.collector.name, error: (error as Error).message }))
        .finally(() => running.delete(run));
      running.add(run);
    }).start(),
  );
  return {
    /** No new tick starts; resolves once the runs under way have written what they collected. */
    stop: async () => {
      for (const timer of timers) timer.stop();
      await Promise.allSettled([...running]);
    },
  };
}
