import type { ApiDeps } from '../deps.ts';
import { ingestSamples, MAX_DETAILED_REJECTIONS, MAX_PUSH_SAMPLES, type IngestResult } from '../ingest.ts';
import type { ReceivedSample } from './received-sample.ts';

/**
 * Received samples through the JSON push's own path (validation, series limits, rejection
 * counts, Redis then PostgreSQL history), a push's worth at a time so a large remote-write
 * body is held to the same per-call bounds as a push.
 */
export async function ingestReceived(deps: ApiDeps, samples: ReceivedSample[], source: string): Promise<IngestResult> {
  const total: IngestResult = { accepted: 0, rejected: [], rejectedCount: 0, rejectedByReason: {} };
  for (let start = 0; start < samples.length; start += MAX_PUSH_SAMPLES) {
    // As they are: the push's checks read only a sample's own schema keys (so `delta` and an
    // undefined timestamp pass as they would have stripped), and copy what they keep.
    const chunk = samples.length <= MAX_PUSH_SAMPLES ? samples : samples.slice(start, start + MAX_PUSH_SAMPLES);
    const result = await ingestSamples(deps, chunk, source);
    total.accepted += result.accepted;
    total.rejectedCount += result.rejectedCount;
    for (const r of result.rejected) if (total.rejected.length < MAX_DETAILED_REJECTIONS) total.rejected.push({ index: r.index + start, error: r.error });
    for (const [reason, n] of Object.entries(result.rejectedByReason)) total.rejectedByReason[reason] = (total.rejectedByReason[reason] ?? 0) + n;
  }
  return total;
}

/** One line for a client's log: how many samples were refused, why, and the first refusal. */
export function refusalSummary(result: IngestResult, extra: Record<string, number> = {}): string {
  const reasons = { ...result.rejectedByReason, ...extra };
  const count = Object.values(reasons).reduce((a, b) => a + b, 0);
  const first = result.rejected[0];
  const byReason = Object.entries(reasons)
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ');
  return `${count} refused (${byReason})${first ? `; first: sample ${first.index}: ${first.error}` : ''}`;
}
