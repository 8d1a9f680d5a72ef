import type { ApiDeps } from './deps.ts';

// The ways in for pushed samples (JSON push, tRPC, Prometheus remote_write, OTLP); a request to
// any that never reaches ingestSamples (bad JSON, a body over the limit) is as much a refused
// push as a bad sample is.
const PUSH_PATHS = new Set(['/api/metrics', '/trpc/metrics.push', '/api/v1/write', '/v1/metrics']);

export type PushRefusal = 'malformed_body' | 'body_too_large';

export function isPush(method: string, url: string): boolean {
  return method === 'POST' && PUSH_PATHS.has(url.split('?')[0]!);
}

/** What an HTTP status of a refused push counts as in vigia_ingest_rejected_total. */
export function refusalOf(status: number): PushRefusal | null {
  if (status === 413) return 'body_too_large';
  if (status === 400 || status === 415) return 'malformed_body';
  return null;
}

/** Counts one refused push request; counting never fails the answer to it. */
export async function countRefusedPush(deps: ApiDeps, reason: PushRefusal | null): Promise<void> {
  if (reason) await deps.rejections.record([[reason, 1]]);
}
