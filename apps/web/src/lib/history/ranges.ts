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

/**
 * What a chart shows: the last N minutes, following the live edge, or a fixed stretch of the past
 * (picked by hand or by dragging across a chart).
 */
export type ChartWindow = { kind: 'live'; range: TimeRange } | { kind: 'fixed'; from: number; to: number };

/** Shorter than this and a zoom is a slipped click, not a question about the data. */
export const MIN_WINDOW_MS = 5_000;

/** Accepts what we write (ISO, seconds precision) and bare ms, so hand-made links work too. */
export function parseTime(value: string | null): number | null {
  if (!value) return null;
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** ISO without milliseconds: the address stays readable when pasted into a chat. */
export function formatTimeParam(t: number): string {
  return new Date(Math.round(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function readWindow(params: URLSearchParams): ChartWindow {
  const from = parseTime(params.get('from'));
  const to = parseTime(params.get('to'));
  if (from !== null && to !== null && to - from >= MIN_WINDOW_MS) return { kind: 'fixed', from, to };
  return { kind: 'live', range: parseRange(params.get('range')) };
}

/** The query parameters that encode a window (null removes one). */
export function windowParams(window: ChartWindow): Record<'range' | 'from' | 'to', string | null> {
  return window.kind === 'live'
    ? { range: window.range.key === DEFAULT_RANGE.key ? null : window.range.key, from: null, to: null }
    : { range: null, from: formatTimeParam(window.from), to: formatTimeParam(window.to) };
}

export function windowBounds(window: ChartWindow, now: number): { from: number; to: number } {
  return window.kind === 'live' ? { from: now - window.range.ms, to: now } : { from: window.from, to: window.to };
}

export function windowKey(window: ChartWindow): string {
  return window.kind === 'live' ? window.range.key : `${window.from}-${window.to}`;
}

export function describeWindow(window: ChartWindow): string {
  if (window.kind === 'live') return `the last ${window.range.title}`;
  const f = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
  return `${f.format(window.from)} to ${f.format(window.to)}`;
}

/** About one point per horizontal pixel: more would be drawn on top of each other. */
export function pointsFor(widthPx: number): number {
  return Math.min(2_000, Math.max(120, Math.round(widthPx)));
}
