export type Resolution = 'raw' | '1m' | '1h';

export const RESOLUTION_MS: Record<Resolution, number> = { raw: 0, '1m': 60_000, '1h': 3_600_000 };

export interface RetentionMs {
  raw: number;
  '1m': number;
  '1h': number;
}

export interface RangePlan {
  resolution: Resolution;
  /** Width of each returned point in ms; 0 means raw samples, one point each. */
  bucketMs: number;
}

const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/**
 * Picks the finest stored resolution that still covers `from` and, with at most `maxPoints`
 * buckets, the bucket width. Coarser tables are used as soon as the range would need more than
 * `maxPoints` points of the finer one, so a 30-day chart never scans raw rows.
 */
export function planRange(from: number, to: number, maxPoints: number, now: number, retention: RetentionMs): RangePlan {
  const span = Math.max(1, to - from);
  const wanted = span / Math.max(1, maxPoints);
  const bucketFor = (floor: number) => {
    if (wanted <= floor) return floor;
    return NICE_STEPS_MS.find((s) => s >= wanted && s >= floor) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
  };
  const age = now - from;
  if (wanted < 60_000 && age <= retention.raw) {
    return { resolution: 'raw', bucketMs: wanted <= 1000 ? 0 : bucketFor(1000) };
  }
  if (wanted < 3_600_000 && age <= retention['1m']) return { resolution: '1m', bucketMs: bucketFor(60_000) };
  return { resolution: '1h', bucketMs: bucketFor(3_600_000) };
}
