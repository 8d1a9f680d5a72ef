export interface TimeRange {
  key: string;
  label: string;
  /** Accessible name: "15 minutes" reads better than "15 m". */
  title: string;
  ms: number;
}

const MINUTE = 60_000;

export const RANGES: readonly TimeRange[] = [
  { key: '15m', label: '15 m', title: '15 minutes', ms: 15 * MINUTE },
  { key: '1h', label: '1 h', title: '1 hour', ms: 60 * MINUTE },
  { key: '6h', label: '6 h', title: '6 hours', ms: 6 * 60 * MINUTE },
  { key: '24h', label: '24 h', title: '24 hours', ms: 24 * 60 * MINUTE },
  { key: '7d', label: '7 d', title: '7 days', ms: 7 * 24 * 60 * MINUTE },
  { key: '30d', label: '30 d', title: '30 days', ms: 30 * 24 * 60 * MINUTE },
];

export const DEFAULT_RANGE = RANGES[0]!;

/** Unknown or missing keys (an old or hand-edited link) fall back to the default. */
export function parseRange(key: string | null): TimeRange {
  return RANGES.find((r) => r.key === key) ?? DEFAULT_RANGE;
}
