/** More lines than this on one chart is a tangle nobody can read, and a legend that fills the page. */
export const MAX_LINES = 20;

export interface Picked<T> {
  shown: T[];
  /** Lines that match the filter (all of them without one). */
  matching: number;
  /** Matching lines left off the chart. */
  more: number;
}

/**
 * The lines to draw: those matching `filter` (case-insensitive, anywhere in the label), the `max`
 * with the highest latest value, kept in their original order so colours and the legend do not
 * reshuffle each time two values swap places.
 */
export function pickLines<T extends { label: string; points: { v: number }[] }>(lines: readonly T[], filter: string, max = MAX_LINES): Picked<T> {
  const needle = filter.trim().toLowerCase();
  const matching = needle ? lines.filter((l) => l.label.toLowerCase().includes(needle)) : [...lines];
  if (matching.length <= max) return { shown: matching, matching: matching.length, more: 0 };
  const latest = (l: T) => l.points.at(-1)?.v ?? -Infinity;
  const top = new Set([...matching].sort((a, b) => latest(b) - latest(a)).slice(0, max));
  return { shown: matching.filter((l) => top.has(l)), matching: matching.length, more: matching.length - max };
}
