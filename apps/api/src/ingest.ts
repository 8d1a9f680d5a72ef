import { sampleSchema } from '@vigia/plugin-sdk';
import { toLiveSample, type LiveSample } from '@vigia/live';
import type { ApiDeps } from './deps.ts';

export const MAX_PUSH_SAMPLES = 50_000;
const FUTURE_SLACK_MS = 5 * 60_000;

export interface IngestResult {
  accepted: number;
  rejected: { index: number; error: string }[];
}

/**
 * Samples pushed by applications: each validated on its own, the good ones written like a
 * collector's (acknowledged once Redis has them), the bad ones refused, reported by index and
 * counted in vigia_ingest_rejected_total. A bad sample never costs the good ones next to it.
 */
export async function ingestSamples(deps: ApiDeps, raw: unknown[], source = 'push'): Promise<IngestResult> {
  const now = Date.now();
  const oldest = now - deps.config.retention.raw;
  const good: LiveSample[] = [];
  const rejected: IngestResult['rejected'] = [];
  const reasons = new Map<string, number>();
  const refuse = (index: number, reason: string, error: string) => {
    rejected.push({ index, error });
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  };
  raw.forEach((item, index) => {
    const parsed = sampleSchema.safeParse(item);
    if (!parsed.success) return refuse(index, 'invalid_sample', parsed.error.issues.map((i) => `${i.path.join('.') || 'sample'}: ${i.message}`).join('; '));
    const ts = parsed.data.timestamp;
    if (ts !== undefined && (ts < oldest || ts > now + FUTURE_SLACK_MS)) return refuse(index, 'timestamp_out_of_range', 'timestamp: outside raw retention or in the future');
    good.push(toLiveSample(parsed.data, now));
  });
  if (good.length) await deps.writer.write({ source, samples: good });
  if (reasons.size) {
    const tx = deps.redis.multi();
    for (const [reason, n] of reasons) tx.hincrby(deps.keys.counters, `ingest_rejected:${reason}`, n);
    await tx.exec();
  }
  return { accepted: good.length, rejected };
}
