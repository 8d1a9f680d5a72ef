import { sampleSchema, type Sample } from './sample.ts';
import type { Collector } from './collector.ts';
import type { Logger } from './logger.ts';

export interface CollectorRunResult {
  samples: Sample[];
  /** Samples the host would refuse, with the reason. */
  invalid: { sample: unknown; error: string }[];
  rejected: { reason: string; detail?: string }[];
  info: Record<string, unknown>;
  durationMs: number;
}

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs a collector the way the worker does (config validated by its schema, init, one collect,
 * close) against whatever real inputs the config points at, and returns what it produced.
 */
export async function runCollectorOnce<C>(
  collector: Collector<C>,
  options: { config?: unknown; timeoutMs?: number; logger?: Logger; keepOpen?: boolean } = {},
): Promise<CollectorRunResult> {
  const config = (collector.configSchema ? collector.configSchema.parse(options.config ?? {}) : (options.config ?? {})) as C;
  const logger = options.logger ?? quietLogger;
  const emitted: Sample[] = [];
  const rejected: CollectorRunResult['rejected'] = [];
  const info: Record<string, unknown> = {};
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = setTimeout(() => controller.abort(new Error(`collect timed out after ${timeoutMs} ms`)), timeoutMs);
  const started = performance.now();
  try {
    await collector.init?.({ config, logger });
    const returned = await Promise.race([
      collector.collect({
        config,
        logger,
        signal: controller.signal,
        now: Date.now(),
        emit: (s) => emitted.push(...(Array.isArray(s) ? s : [s])),
        reject: (reason, detail) => rejected.push({ reason, detail }),
        publishInfo: (i) => Object.assign(info, i),
      }),
      new Promise<never>((_, fail) => controller.signal.addEventListener('abort', () => fail(controller.signal.reason))),
    ]);
    const all = [...emitted, ...(returned ?? [])];
    const samples: Sample[] = [];
    const invalid: CollectorRunResult['invalid'] = [];
    for (const s of all) {
      const parsed = sampleSchema.safeParse(s);
      if (parsed.success) samples.push(parsed.data);
      else invalid.push({ sample: s, error: parsed.error.issues.map((i) => `${i.path.join('.') || 'sample'}: ${i.message}`).join('; ') });
    }
    return { samples, invalid, rejected, info, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
    if (!options.keepOpen) await collector.close?.();
  }
}
