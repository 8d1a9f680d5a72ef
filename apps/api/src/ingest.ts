import { sampleSchema, type Sample } from '@vigia/plugin-sdk';
import type { LiveSample } from '@vigia/live';
import type { ApiDeps } from './deps.ts';
import { isSampleShaped, liveSampleOf } from './sample-shape.ts';

export const MAX_PUSH_SAMPLES = 50_000;
/** Refusals sent back with their index and full error; the rest are only counted. */
export const MAX_DETAILED_REJECTIONS = 100;
const FUTURE_SLACK_MS = 5 * 60_000;

export interface Rejection {
  index: number;
  error: string;
}

export interface IngestResult {
  accepted: number;
  /** The refused samples with the lowest indices, at most MAX_DETAILED_REJECTIONS of them. */
  rejected: Rejection[];
  /** Every refused sample, whether or not it is in `rejected`. */
  rejectedCount: number;
  /** rejectedCount by reason (the reasons of vigia_ingest_rejected_total). */
  rejectedByReason: Record<string, number>;
}

function invalidSampleError(item: unknown): string {
  const parsed = sampleSchema.safeParse(item);
  if (parsed.success) return 'sample: not a valid sample';
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'sample'}: ${i.message}`).join('; ');
}

/**
 * Samples pushed by applications: each validated on its own and held to the series limits, the
 * good ones written like a collector's (acknowledged once Redis has them), the others refused,
 * counted in vigia_ingest_rejected_total by reason, and the first of them reported by index. A
 * bad sample never costs the good ones next to it, and a batch of bad ones costs a count each,
 * not an error message each.
 */
export async function ingestSamples(deps: ApiDeps, raw: unknown[], source = 'push'): Promise<IngestResult> {
  const now = Date.now();
  const oldest = now - deps.config.retention.raw;
  // Side by side rather than an object per sample: a remote-write request holds thousands.
  const validIndex: number[] = [];
  const valid: LiveSample[] = [];
  const reasons = new Map<string, number>();
  let rejectedCount = 0;
  const count = (reason: string) => {
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    rejectedCount++;
  };
  // Each pass below meets its refusals in index order, so the first MAX of each pass together
  // hold the first MAX of the batch.
  const invalid: Rejection[] = [];
  for (let index = 0; index < raw.length; index++) {
    const item = raw[index];
    if (!isSampleShaped(item)) {
      count('invalid_sample');
      if (invalid.length < MAX_DETAILED_REJECTIONS) invalid.push({ index, error: invalidSampleError(item) });
      continue;
    }
    const ts = (item as Sample).timestamp;
    if (ts !== undefined && (ts < oldest || ts > now + FUTURE_SLACK_MS)) {
      count('timestamp_out_of_range');
      if (invalid.length < MAX_DETAILED_REJECTIONS) invalid.push({ index, error: 'timestamp: outside raw retention or in the future' });
      continue;
    }
    validIndex.push(index);
    valid.push(liveSampleOf(item as Sample, now));
  }
  const answers = await deps.guard.admit(valid, now);
  const good: LiveSample[] = [];
  const refused: Rejection[] = [];
  for (let i = 0; i < valid.length; i++) {
    const refusal = answers[i];
    if (!refusal) {
      good.push(valid[i]!);
      continue;
    }
    count(refusal.reason);
    if (refused.length < MAX_DETAILED_REJECTIONS) refused.push({ index: validIndex[i]!, error: refusal.error });
  }
  const rejected = [...invalid, ...refused].sort((a, b) => a.index - b.index).slice(0, MAX_DETAILED_REJECTIONS);
  if (good.length) await deps.writer.write({ source, samples: good });
  if (reasons.size) await deps.rejections.record(reasons);
  return { accepted: good.length, rejected, rejectedCount, rejectedByReason: Object.fromEntries(reasons) };
}
