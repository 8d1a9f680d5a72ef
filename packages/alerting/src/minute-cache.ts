import type { Labels, Point } from '@vigia/core';
import { minuteMeans, type SqlClient } from '@vigia/db';

/** Minutes read again on each refresh: the newest rollup rows may still grow (history is flushed every few seconds). */
const REREAD_MS = 2 * 60_000;

interface Track {
  labels: Labels;
  /** Per range (same index as the ranges asked for), oldest first. */
  parts: Point[][];
}

/**
 * Per-minute means of one metric selector over ranges that slide a minute at a time (a
 * forecast's `over`, a baseline's same span in each past week). Each refresh reads only the
 * minutes that came into the ranges since the last one, plus the newest two again, so a rule
 * costs one small query a minute instead of hours of rollups.
 */
export class MinuteCache {
  private readonly tracks = new Map<string, Track>();
  /** Per range: up to where it has been read. */
  private readTo: number[] = [];

  constructor(
    private readonly sql: SqlClient,
    private readonly metric: string,
    private readonly labels: Labels | undefined,
  ) {}

  /** Brings every series up to `ranges` (same count and order on every call) and returns the series' points, oldest first. */
  async refresh(ranges: { from: number; to: number }[]): Promise<Map<string, { labels: Labels; points: Point[] }>> {
    const reads = ranges.map((r, i) => {
      const known = this.readTo[i];
      const from = known !== undefined && known > r.from ? Math.max(r.from, known - REREAD_MS) : r.from;
      return { from, to: r.to };
    });
    const fresh = await minuteMeans(this.sql, this.metric, this.labels, reads.filter((r) => r.from < r.to));
    const freshByKey = new Map(fresh.map((s) => [s.key, s]));
    for (const s of fresh) if (!this.tracks.has(s.key)) this.tracks.set(s.key, { labels: s.labels, parts: ranges.map(() => []) });
    for (const [key, track] of this.tracks) {
      const points = freshByKey.get(key)?.points ?? [];
      ranges.forEach((r, i) => {
        const read = reads[i]!;
        // Keep what is still in the range and was not read again; add what was.
        const kept = track.parts[i]!.filter((p) => p.t >= r.from && p.t < read.from);
        for (const p of points) if (p.t >= read.from && p.t < read.to) kept.push(p);
        track.parts[i] = kept;
      });
      if (track.parts.every((p) => !p.length)) this.tracks.delete(key);
    }
    this.readTo = ranges.map((r) => r.to);
    const out = new Map<string, { labels: Labels; points: Point[] }>();
    // Ranges further back come first, so the concatenation is oldest first.
    const order = ranges.map((r, i) => i).sort((a, b) => ranges[a]!.from - ranges[b]!.from);
    for (const [key, track] of this.tracks) out.set(key, { labels: track.labels, points: order.flatMap((i) => track.parts[i]!) });
    return out;
  }
}
