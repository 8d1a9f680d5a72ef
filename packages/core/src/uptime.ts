/**
 * Uptime of a probe from stored probe_success rollups. A bucket holds the sum and count of
 * probe_success samples (from every location) in [start, start + widthMs); its up ratio is
 * sum / count. Time without any bucket is a gap: it counts neither as up nor as down, and
 * `coverage` says how much of a window had data, so a probe added yesterday shows 100 %
 * over 90 days with 1 % coverage rather than 1 % uptime.
 */

export interface UptimeBucket {
  /** ms since the epoch */
  start: number;
  widthMs: number;
  /** Sum of probe_success values (1 = up) in the bucket. */
  sum: number;
  count: number;
}

export const UPTIME_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 } as const;
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

export interface WindowUptime {
  /** Share of the covered time the probe was up (0-1); null when the window holds no data. */
  ratio: number | null;
  /** Share of the window that had data (0-1). */
  coverage: number;
}

export type DayStatus = 'up' | 'partial' | 'down' | 'none';

export interface DayUptime {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  ratio: number | null;
  status: DayStatus;
}

export const DAY_MS = 86_400_000;

/**
 * A day is `up` at 99.9 % or more (86 s of downtime), `partial` down to 95 %, `down` below,
 * `none` without data: the thresholds of the status pages people know.
 */
export function dayStatus(ratio: number | null): DayStatus {
  if (ratio === null) return 'none';
  if (ratio >= 0.999) return 'up';
  if (ratio >= 0.95) return 'partial';
  return 'down';
}

/**
 * Up ratio over [from, to). A bucket only partly inside the window (the first one, or the
 * current one still filling) counts for the share of its elapsed time that is inside, assuming
 * its samples spread evenly over that time.
 */
export function uptimeBetween(buckets: readonly UptimeBucket[], from: number, to: number, now: number): WindowUptime {
  let up = 0;
  let weight = 0;
  let coveredMs = 0;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    const end = Math.min(b.start + b.widthMs, now);
    const elapsed = end - b.start;
    if (elapsed <= 0) continue;
    const inside = Math.min(end, to) - Math.max(b.start, from);
    if (inside <= 0) continue;
    const share = inside / elapsed;
    up += b.sum * share;
    weight += b.count * share;
    coveredMs += inside;
  }
  const span = Math.max(0, Math.min(to, now) - from);
  return { ratio: weight > 0 ? clamp01(up / weight) : null, coverage: span > 0 ? clamp01(coveredMs / span) : 0 };
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export interface ProbeUptime {
  windows: Record<UptimeWindow, WindowUptime>;
  /** Oldest first; the last is today (partial). */
  days: DayUptime[];
}

/**
 * Every window and the daily bar for one probe. `fine` buckets (minutes) cover the last day
 * and serve the 24 h window; `coarse` buckets (hours) serve the longer windows and the days.
 */
export function computeUptime(fine: readonly UptimeBucket[], coarse: readonly UptimeBucket[], now: number, dayCount = 90): ProbeUptime {
  const windows = {} as Record<UptimeWindow, WindowUptime>;
  for (const [name, span] of Object.entries(UPTIME_WINDOWS) as [UptimeWindow, number][]) {
    windows[name] = uptimeBetween(name === '24h' ? fine : coarse, now - span, now, now);
  }
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const days: DayUptime[] = [];
  for (let i = dayCount - 1; i >= 0; i--) {
    const start = today - i * DAY_MS;
    const { ratio } = uptimeBetween(coarse, start, start + DAY_MS, now);
    days.push({ day: new Date(start).toISOString().slice(0, 10), ratio, status: dayStatus(ratio) });
  }
  return { windows, days };
}
