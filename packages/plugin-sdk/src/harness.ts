import { sampleSchema, type Sample } from './sample.ts';
import type { Collector } from './collector.ts';
import type { Logger } from '@vigia/core';
import type { AlertNotification } from './notifier.ts';

export interface CollectorRunResult {
  samples: Sample[];
  /** Samples the host would refuse, with the reason. */
  invalid: { sample: unknown; error: string }[];
  rejected: { reason: string; detail?: string }[];
  info: Record<string, unknown>;
  durationMs: number;
}

/** A logger for tests that do not look at what the plugin logs. */
export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs a collector the way the worker does (config validated by its schema, init, one collect,
 * close) against whatever real inputs the config points at, and returns what it produced.
 */
export async function runCollectorOnce<C>(collector: Collector<C>, options: { config?: unknown; timeoutMs?: number; logger?: Logger; keepOpen?: boolean } = {}): Promise<CollectorRunResult> {
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

/**
 * A firing alert the way the host hands it to a notifier, for notifier tests: every field a
 * channel renders is set (unit, labels, description, runbook, all three links); `overrides`
 * replace whole fields, e.g. `{ labels: { host: 'a' }, unit: undefined }`.
 */
export function sampleNotification(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    notificationId: 'ntf-ep7-new-1',
    reason: 'new',
    status: 'firing',
    alertId: 'alt-42',
    episodeId: 'ep-7',
    rule: 'High CPU Usage',
    severity: 'critical',
    metric: 'cpu_usage',
    unit: '%',
    labels: { host: 'a' },
    value: 93.456789,
    threshold: 90,
    operator: '>',
    startedAt: '2026-01-15T10:00:00.000Z',
    durationSeconds: 3725,
    summary: 'CPU usage above 90% on a',
    description: 'Sustained CPU load; check the batch jobs.',
    runbookUrl: 'https://runbooks.example.com/cpu',
    links: {
      alert: 'https://vigia.example.com/alerts/alt-42',
      acknowledge: 'https://vigia.example.com/act/signed-ack',
      silence: 'https://vigia.example.com/act/signed-silence',
    },
    channel: 'test-channel',
    vigiaUrl: 'https://vigia.example.com',
    ...overrides,
  };
}

/** The error a send (or any call) failed with; fails the test when it succeeded instead. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
