// Plain decimal numbers only (what `LPUSH … 0.125` writes): no hex, no blanks, no Infinity.
const DECIMAL = /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Finite, non-negative seconds; anything else is null. */
export function parseSeconds(raw: string): number | null {
  const text = raw.trim();
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Nearest-rank percentile of ascending `sorted` (`p` in 0–100): always one of the observed values. */
export function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  p50: number;
  p95: number;
  p99: number;
  avg: number;
}

export function summarize(values: number[]): Summary | null {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), avg: sum / sorted.length };
}
