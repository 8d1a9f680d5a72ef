import { parseDuration } from '@vigia/core';
import type { VigiaConfig } from '@vigia/config';
import type { Collector, CollectorPart } from '@vigia/plugin-sdk';
import { CollectorRunner, type RunnerDeps } from './collector-runner.ts';

/** A part's runner and what it was made from, to tell an unchanged part from an edited one. */
export interface PartRunner {
  name: string;
  runner: CollectorRunner;
  fingerprint: string;
}

/** Each part (one probe) is a collector of its own: its own timer, interval, timeout and health. */
export function partRunner(collector: Collector<unknown>, part: CollectorPart<unknown>, config: VigiaConfig, deps: RunnerDeps): PartRunner {
  const name = `${collector.name}:${part.key}`;
  const intervalMs = parseDuration(part.interval) ?? config.collection.intervalMs;
  const timeoutMs = (part.timeout !== undefined ? parseDuration(part.timeout) : null) ?? Math.min(intervalMs, config.collection.timeoutMs);
  return {
    name,
    runner: new CollectorRunner({ ...collector, name } as never, part.config, intervalMs, timeoutMs, deps),
    fingerprint: JSON.stringify([intervalMs, timeoutMs, part.config]),
  };
}
