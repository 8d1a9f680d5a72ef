import type { JobCounters, TickClaims } from '@vigia/live';
import { COLLECT_JOBS } from '@vigia/live';
import type { Logger } from '@vigia/core';
import { GridTimer } from '../grid-timer.ts';
import type { CollectorRunner } from '../collector-runner.ts';

/** Claims outlive the tick by this much, for workers whose clocks run a little behind. */
const CLAIM_SLACK_MS = 5_000;

interface Timed {
  timer: GridTimer;
  running: Set<Promise<void>>;
}

/**
 * Times every collector on its interval's grid in this process and runs each tick here when this
 * worker claims it first. Shared collectors are claimed under their name (one run per tick in the
 * cluster), host-scoped ones under `name@host` (one per tick per machine, however many workers
 * share it). A worker that dies simply stops claiming: the others run its ticks from the next one.
 * Runners come and go while it runs (probes made or removed in the dashboard).
 */
export class CollectTicks {
  private claimFailing = false;
  private readonly timed = new Map<CollectorRunner, Timed>();

  constructor(
    private readonly claims: TickClaims,
    private readonly counters: JobCounters,
    private readonly logger: Logger,
  ) {}

  add(runner: CollectorRunner): void {
    const running = new Set<Promise<void>>();
    const timer = new GridTimer(runner.intervalMs, (tick) => {
      const run = this.tick(runner, tick).finally(() => running.delete(run));
      running.add(run);
    }).start();
    this.timed.set(runner, { timer, running });
  }

  /** No new tick of it starts; resolves once its runs under way have written what they collected. */
  async retire(runner: CollectorRunner): Promise<void> {
    const timed = this.timed.get(runner);
    if (!timed) return;
    this.timed.delete(runner);
    timed.timer.stop();
    await Promise.allSettled([...timed.running]);
  }

  /** Every runner retired at once (the worker stopping). */
  async stop(): Promise<void> {
    await Promise.all([...this.timed.keys()].map((runner) => this.retire(runner)));
  }

  private async tick(runner: CollectorRunner, tick: number): Promise<void> {
    try {
      try {
        if (!(await this.claims.claim(runner.healthName, tick, runner.intervalMs + CLAIM_SLACK_MS))) return;
        this.claimFailing = false;
      } catch (error) {
        // Without Redis nothing collected could be written anyway; say so once, not every tick.
        if (!this.claimFailing) this.logger.warn('could not claim collector ticks; skipping them until Redis answers', { error: (error as Error).message });
        this.claimFailing = true;
        return;
      }
      const started = performance.now();
      // Stamped with the tick it was planned for, not when it ran: one timestamp per tick.
      await runner.run(tick);
      this.counters.record(COLLECT_JOBS, (performance.now() - started) / 1000);
    } catch (error) {
      this.logger.warn('collector tick failed', { collector: runner.collector.name, error: (error as Error).message });
    }
  }
}

/** Starts timing every given runner; see CollectTicks. */
export function startCollectTicks(runners: Iterable<CollectorRunner>, claims: TickClaims, counters: JobCounters, logger: Logger): CollectTicks {
  const ticks = new CollectTicks(claims, counters, logger);
  for (const runner of runners) ticks.add(runner);
  return ticks;
}
