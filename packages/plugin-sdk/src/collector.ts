import type { z } from 'zod';
import type { Logger } from '@vigia/core';
import type { MetricDescriptor, Sample } from './sample.ts';

export interface CollectorInitContext<Config> {
  config: Config;
  logger: Logger;
}

export interface CollectContext<Config> {
  config: Config;
  logger: Logger;
  /** Aborted when the host's timeout for this run expires: stop work and return. */
  signal: AbortSignal;
  /**
   * The tick this run was planned for, ms since the epoch (a multiple of the collector's interval
   * under the worker, however late the run started); samples without a timestamp get it.
   */
  now: number;
  /** Hand samples to the host as they are ready (in addition to, or instead of, returning them). */
  emit(samples: Sample | Sample[]): void;
  /** Count an input the collector refused (shown as vigia_ingest_rejected_total{reason}). */
  reject(reason: string, detail?: string): void;
  /** Publish static facts (hostname, versions…) that the API serves as-is. */
  publishInfo(info: Record<string, unknown>): void;
}

/**
 * What a collector's answer depends on: `shared` when it reads something over the network and
 * any worker gives the same answer, `host` when it measures the machine it runs on.
 */
export type CollectorScope = 'shared' | 'host';

/** One independent piece of a collector that `parts` splits (one probe of the probe collector). */
export interface CollectorPart<Config> {
  /** Unique within the collector; the part runs, reports health and publishes facts as `<name>:<key>`. */
  key: string;
  interval: string | number;
  timeout?: string | number;
  /** What `collect` receives as `config` for this part. */
  config: Config;
}

/**
 * A collector: a plain object with a name and a `collect` function. Everything else is optional.
 * Collectors never write storage; they hand samples to the host.
 */
export interface Collector<Config = Record<string, unknown>> {
  name: string;
  description?: string;
  /**
   * `shared` (the default): one worker, whichever, runs each tick. `host`: every worker machine
   * runs it for itself (once per tick however many workers share the machine), and its samples
   * carry a `host` label so machines do not mix in one series.
   */
  scope?: CollectorScope;
  /** Default interval (`'5s'`, `'1m'` or milliseconds); `collectors.<name>.interval` overrides it. */
  interval?: string | number;
  /** Longest a run may take before it is abandoned and counted as an error (default: the interval, at most 30 s). */
  timeout?: string | number;
  /** Validates `collectors.<name>` from monitoring.yaml (minus `enabled` / `interval`). */
  configSchema?: z.ZodType<Config>;
  /** HELP text, unit and type of the metrics this collector emits. */
  metrics?: Record<string, MetricDescriptor>;
  /**
   * For a collector made of independent jobs, each with its own interval and timeout (one per
   * probe): the host schedules every part as a collector of its own, so a slow part never delays
   * another. None: the collector runs whole, as usual.
   */
  parts?(config: Config): CollectorPart<Config>[];
  init?(ctx: CollectorInitContext<Config>): void | Promise<void>;
  collect(ctx: CollectContext<Config>): Sample[] | void | Promise<Sample[] | void>;
  close?(): void | Promise<void>;
}

/** Identity function that gives a collector literal its types. */
export function defineCollector<Config = Record<string, unknown>>(collector: Collector<Config>): Collector<Config> {
  return collector;
}
