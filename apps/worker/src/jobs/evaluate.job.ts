import type { Job } from 'bullmq';
import type { Escalations, Evaluator, OutboxRelay, SampleEvaluator } from '@vigia/alerting';
import { QUEUES, type JobCounters } from '@vigia/live';

/** One evaluation tick of every rule: the `evaluate` queue's processor, one tick per evaluation interval. */
export function evaluateJob(deps: { evaluator: Evaluator; relay: OutboxRelay; onArrival: SampleEvaluator; escalations: Escalations; counters: JobCounters; intervalMs: number }) {
  const { evaluator, relay, onArrival, escalations, counters, intervalMs } = deps;
  return async (job: Job) => {
    // A tick that waited longer than an interval in the queue is stale: the next one is due.
    if (Date.now() - job.timestamp > 2 * intervalMs + (job.delay ?? 0)) return { skipped: 'stale tick' };
    // Evaluate at the tick's planned time, not when the job happened to start: ticks then sit
    // exactly one interval apart and a `for` that has held for N intervals fires on the Nth,
    // instead of one interval late whenever a tick starts a few ms earlier than the last.
    const planned = job.timestamp + (job.opts.delay ?? 0);
    const now = Math.abs(Date.now() - planned) < intervalMs ? planned : Date.now();
    // The relay sends each committed part of a large tick while the rest is still being written.
    const result = await evaluator.tick(now, () => relay.kick());
    // The evaluation on arrival keeps states in memory: what the tick changed must not look unchanged to it.
    if (result.transitions > 0) onArrival.reloadSoon();
    await escalations.follow(result.events);
    counters.record(QUEUES.evaluate.name, result.durationMs / 1000);
    return { transitions: result.transitions, series: result.series, ms: Math.round(result.durationMs) };
  };
}
