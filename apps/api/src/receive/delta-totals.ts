import type { Redis } from 'ioredis';
import type { ReceivedSample } from './received-sample.ts';

function seriesField(sample: ReceivedSample): string {
  const labels = Object.keys(sample.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(sample.labels[k])}`);
  return `${sample.name}{${labels.join(',')}}`;
}

/**
 * OTLP delta points become running totals per series, kept in Redis so every API process adds
 * to the same total: Vigia then stores a delta counter or histogram exactly like a cumulative
 * one, and rate()/P95 over it work the same. The totals expire after `ttlMs` without a delta.
 */
export async function applyDeltaTotals(redis: Redis, key: string, samples: ReceivedSample[], ttlMs: number): Promise<void> {
  // Non-finite increments are left for validation to refuse; Redis would refuse them as an error.
  const deltas = samples.filter((s) => s.delta && Number.isFinite(s.value));
  if (deltas.length === 0) return;
  const pipeline = redis.pipeline();
  for (const s of deltas) pipeline.hincrbyfloat(key, seriesField(s), s.value);
  pipeline.pexpire(key, ttlMs);
  const results = (await pipeline.exec()) ?? [];
  deltas.forEach((s, i) => {
    const [error, total] = results[i] ?? [new Error('no answer from Redis')];
    if (error) throw error;
    s.value = Number(total);
  });
}
