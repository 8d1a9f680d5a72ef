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
 * Samples pushed by applications: each validated on its own and held to the series limits, the
 * good ones written like a collector's (acknowledged once Redis has them), the others refused,
 * reported by index and counted in vigia_ingest_rejected_total by reason. A bad sample never
 * costs the good ones next to it.
 */
export async function ingestSamples(deps: ApiDeps, raw: unknown[], source = 'push'): Promise<IngestResult> {
  const now = Date.now();
  const oldest = now - deps.config.retention.raw;
  const valid: { index: number; sample: LiveSample }[] = [];
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
    valid.push({ index, sample: toLiveSample(parsed.data, now) });
  });
  const answers = await deps.guard.admit(valid.map((v) => v.sample), now);
  const good: LiveSample[] = [];
  valid.forEach(({ index, sample }, i) => {
    const refusal = answers[i];
    if (refusal) refuse(index, refusal.reason, refusal.error);
    else good.push(sample);
  });
  rejected.sort((a, b) => a.index - b.index);
  if (good.length) await deps.writer.write({ source, samples: good });
  if (reasons.size) await deps.rejections.record(reasons);
  return { accepted: good.length, rejected };
}
