import { sampleSchema, type Collector, type CollectorScope, type Logger, type Sample } from '@vigia/plugin-sdk';
import { hostScopedName, toLiveSample, type CollectorHealthBoard, type LiveSample, type SampleWriter, type SeriesGuard } from '@vigia/live';
import type { RejectionCounters } from '@vigia/db';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@vigia/live';

export interface RunnerDeps {
  writer: SampleWriter;
  /** The same series limits pushes are held to: a collector reading what applications write is no exception. */
  guard: SeriesGuard;
  rejections: RejectionCounters;
  health: CollectorHealthBoard;
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** This worker's machine, as host-scoped collectors report it (config.collection.host). */
  host: string;
}

export interface RunOutcome {
  ok: boolean;
  samples: number;
  durationMs: number;
  error?: string;
}

class TimeoutError extends Error {}

/**
 * Runs one collector: config validated once, init once, then each tick a `collect` bounded by a
 * timeout. A collector that throws or hangs is counted and marked unhealthy; it cannot stop the
 * others and is tried again next tick.
 */
export class CollectorRunner {
  private initialised?: Promise<void>;
  private readonly warnedInvalid = new Set<string>();
  private readonly warnedLimit = new Set<string>();
  readonly scope: CollectorScope;
  /** What its health, published facts and live batches are known by: `system@web-1` for a host-scoped one. */
  readonly healthName: string;

  constructor(
    readonly collector: Collector<unknown>,
    readonly config: unknown,
    readonly intervalMs: number,
    readonly timeoutMs: number,
    private readonly deps: RunnerDeps,
  ) {
    this.scope = collector.scope ?? 'shared';
    this.healthName = this.scope === 'host' ? hostScopedName(collector.name, deps.host) : collector.name;
  }

  private init(): Promise<void> {
    this.initialised ??= (async () => {
      await this.collector.init?.({ config: this.config, logger: this.deps.logger });
      if (this.collector.metrics) await this.deps.writer.describe(this.collector.metrics);
    })().catch((error) => {
      this.initialised = undefined; // try again next tick
      throw error;
    });
    return this.initialised;
  }

  async run(now = Date.now()): Promise<RunOutcome> {
    const started = performance.now();
    const emitted: Sample[] = [];
    const rejected: string[] = [];
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const { logger } = this.deps;
    let outcome: RunOutcome;
    try {
      const work = (async () => {
        await this.init();
        return this.collector.collect({
          config: this.config,
          logger,
          signal: controller.signal,
          now,
          emit: (s) => emitted.push(...(Array.isArray(s) ? s : [s])),
          reject: (reason) => rejected.push(reason),
          publishInfo: (info) => void this.deps.health.publishInfo(this.healthName, info).catch(() => {}),
        });
      })();
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(() => {
          controller.abort();
          fail(new TimeoutError(`timed out after ${this.timeoutMs} ms`));
        }, this.timeoutMs);
      });
      const returned = await Promise.race([work, timeout]);
      const valid = await this.admit(this.validate([...emitted, ...(returned ?? [])], rejected, now), rejected, now);
      await this.deps.writer.write({ source: this.healthName, samples: valid });
      outcome = { ok: true, samples: valid.length, durationMs: performance.now() - started };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      outcome = { ok: false, samples: 0, durationMs: performance.now() - started, error: message };
      logger.warn('collector failed', { collector: this.collector.name, error: message });
    } finally {
      clearTimeout(timer);
    }
    if (rejected.length) await this.countRejected(rejected);
    await this.deps.health.record(this.healthName, this.intervalMs, { ...outcome, at: now });
    return outcome;
  }

  /**
   * Samples of several machines share their names: the host label is what keeps each machine's
   * series apart. A collector that labels the host itself (one reporting for other machines) is
   * left as it is.
   */
  private labelHost(sample: Sample): Sample {
    if (this.scope !== 'host' || !sample || typeof sample !== 'object') return sample;
    const { labels } = sample;
    // Malformed labels are left for validation to refuse with its own message.
    if (labels !== undefined && (labels === null || typeof labels !== 'object' || 'host' in labels)) return sample;
    return { ...sample, labels: { ...labels, host: this.deps.host } };
  }

  private validate(samples: Sample[], rejected: string[], now: number): LiveSample[] {
    const out: LiveSample[] = [];
    for (const s of samples) {
      const parsed = sampleSchema.safeParse(this.labelHost(s));
      if (parsed.success) {
        out.push(toLiveSample(parsed.data, now));
        continue;
      }
      rejected.push('invalid_sample');
      const name = typeof (s as Sample)?.name === 'string' ? (s as Sample).name : '?';
      if (!this.warnedInvalid.has(name)) {
        this.warnedInvalid.add(name);
        this.deps.logger.warn('collector produced an invalid sample; dropped (logged once per metric)', {
          collector: this.collector.name,
          metric: name,
          error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      }
    }
    return out;
  }

  /** Keeps the samples the series limits admit; the others are counted by reason and warned about once per metric. */
  private async admit(samples: LiveSample[], rejected: string[], now: number): Promise<LiveSample[]> {
    const answers = await this.deps.guard.admit(samples, now);
    return samples.filter((s, i) => {
      const refusal = answers[i];
      if (!refusal) return true;
      rejected.push(refusal.reason);
      if (!this.warnedLimit.has(s.name)) {
        this.warnedLimit.add(s.name);
        this.deps.logger.warn('collector sample over a series limit; dropped (logged once per metric)', { collector: this.collector.name, metric: s.name, error: refusal.error });
      }
      return false;
    });
  }

  private async countRejected(reasons: string[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    await this.deps.rejections.record(counts);
  }

  async close(): Promise<void> {
    await this.collector.close?.();
  }
}
