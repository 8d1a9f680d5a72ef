import type { Redis } from 'ioredis';
import { seriesKey, type Labels, type MetricDescriptor, type Sample } from '@vigia/core';
import type { RedisKeys } from './keys.ts';

/** A sample as it travels: identified, stamped, never partial. */
export interface LiveSample {
  key: string;
  name: string;
  labels: Labels;
  value: number;
  timestamp: number;
  unit?: string;
}

export interface SampleBatch {
  /** Who produced it: a collector name, `push`, … */
  source: string;
  samples: LiveSample[];
}

export function toLiveSample(sample: Sample, now: number): LiveSample {
  const labels = sample.labels ?? {};
  const out: LiveSample = { key: seriesKey(sample.name, labels), name: sample.name, labels, value: sample.value, timestamp: sample.timestamp ?? now };
  if (sample.unit) out.unit = sample.unit;
  return out;
}

export interface SampleWriterOptions {
  liveWindowMs: number;
  /** How far back a reconnecting live subscriber can resume (ms of the live stream kept). */
  liveBacklogMs?: number;
}

// Trimming a window and renewing its expiry once a minute per series is enough (readers select
// by time anyway) and saves two of the three commands a sample would otherwise cost.
const TRIM_EVERY_MS = 60_000;

/**
 * Hands a batch to Redis in one MULTI: newest value per series, the live window, the ingest
 * stream (the PostgreSQL writer's queue) and the live stream. Once `write` resolves the batch is
 * acknowledged: it is in the ingest stream and will reach history even if this process dies.
 */
export class SampleWriter {
  private readonly trimmedAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: SampleWriterOptions,
  ) {}

  async write(batch: SampleBatch): Promise<string | null> {
    if (batch.samples.length === 0) return null;
    const tx = this.redis.multi();
    // The last sample of each series in the batch is its newest value: one field per series, not
    // per sample (a push of history can hold thousands of samples of one series).
    const last = new Map<string, LiveSample>();
    const windows = new Map<string, (string | number)[]>();
    let newest = 0;
    for (const s of batch.samples) {
      last.set(s.key, s);
      let members = windows.get(s.key);
      if (!members) windows.set(s.key, (members = []));
      members.push(s.timestamp, `${s.timestamp}:${s.value}`);
      if (s.timestamp > newest) newest = s.timestamp;
    }
    const latest: string[] = [];
    for (const [key, s] of last) latest.push(key, JSON.stringify(s));
    tx.hset(this.keys.latest, ...latest);
    const horizon = newest - this.options.liveWindowMs;
    const now = Date.now();
    for (const [key, members] of windows) {
      const windowKey = this.keys.window(key);
      tx.zadd(windowKey, ...members);
      const trimmed = this.trimmedAt.get(key);
      if (trimmed === undefined || now - trimmed >= TRIM_EVERY_MS) {
        tx.zremrangebyscore(windowKey, '-inf', `(${horizon}`);
        tx.pexpire(windowKey, this.options.liveWindowMs * 2);
        this.trimmedAt.set(key, now);
      }
    }
    if (this.trimmedAt.size > 200_000) this.trimmedAt.clear(); // bounded memory; series just get trimmed again
    const payload = JSON.stringify(batch);
    tx.xadd(this.keys.ingest, '*', 'b', payload);
    // Kept by age, not count: a stream of large batches must not hold gigabytes.
    tx.xadd(this.keys.live, 'MINID', '~', String(now - (this.options.liveBacklogMs ?? 5 * 60_000)), '*', 'b', payload);
    const results = await tx.exec();
    if (!results) throw new Error('Redis transaction was discarded');
    for (const [error] of results) if (error) throw error;
    return results[results.length - 1]![1] as string;
  }

  /** Records HELP text, unit and type per metric name, for /metrics and the UI. */
  async describe(metrics: Record<string, MetricDescriptor>): Promise<void> {
    const entries = Object.entries(metrics).flatMap(([name, d]) => [name, JSON.stringify(d)]);
    if (entries.length) await this.redis.hset(this.keys.meta, ...entries);
  }
}
