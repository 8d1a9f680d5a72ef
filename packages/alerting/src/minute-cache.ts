import type { Labels, Point } from '@vigia/core';
import { minuteMeansMany, type MinuteRead, type SqlClient } from '@vigia/db';

/** Minutes read again on each refresh: the newest rollup rows may still grow (history is flushed every few seconds). */
const REREAD_MS = 2 * 60_000;

/** A selector and the ranges it needs now (same count and order on every refresh). */
export interface MinuteNeed {
  metric: string;
  labels?: Labels;
  ranges: { from: number; to: number }[];
}

export type MinuteSeriesMap = Map<string, { labels: Labels; points: Point[] }>;

interface Entry {
  /** Per series, per range (same index as the need's ranges), oldest first. */
  tracks: Map<string, { labels: Labels; parts: Point[][] }>;
  /** Per range: up to where it has been read. */
  readTo: number[];
}

/**
 * Per-minute means for selectors whose ranges slide a minute at a time (a forecast's `over`, a
 * baseline's same span in each past week). Each refresh reads only the minutes that came into
 * the ranges since the last one, plus the newest two again, for every selector in one query: the
 * forecast and baseline rules cost one small round trip a minute together.
 */
export class MinuteCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly sql: SqlClient) {}

  /** Brings every need up to date; result i is need i's series (points oldest first). */
  async refresh(needs: { id: string; need: MinuteNeed }[]): Promise<MinuteSeriesMap[]> {
    const reads: MinuteRead[] = [];
    const plans = needs.map(({ id, need }) => {
      const entry: Entry = this.entries.get(id) ?? { tracks: new Map(), readTo: [] };
      this.entries.set(id, entry);
      const ranges = need.ranges.map((r, k) => {
        const known = entry.readTo[k];
        const from = known !== undefined && known > r.from ? Math.max(r.from, known - REREAD_MS) : r.from;
        const at = from < r.to ? reads.push({ metric: need.metric, labels: need.labels, from, to: r.to }) - 1 : -1;
        return { from, at };
      });
      return { entry, need, ranges };
    });
    const fresh = (await minuteMeansMany(this.sql, reads)).map((list) => new Map(list.map((s) => [s.key, s])));
    return plans.map(({ entry, need, ranges }) => {
      ranges.forEach(({ at }) => {
        for (const s of at >= 0 ? fresh[at]!.values() : []) if (!entry.tracks.has(s.key)) entry.tracks.set(s.key, { labels: s.labels, parts: need.ranges.map(() => []) });
      });
      for (const [key, track] of entry.tracks) {
        need.ranges.forEach((r, k) => {
          const { from, at } = ranges[k]!;
          // Keep what is still in the range and was not read again; add what was.
          const kept = track.parts[k]!.filter((p) => p.t >= r.from && p.t < from);
          const read = at >= 0 ? fresh[at]!.get(key) : undefined;
          if (read) for (const p of read.points) kept.push(p);
          track.parts[k] = kept;
        });
        if (track.parts.every((p) => !p.length)) entry.tracks.delete(key);
      }
      entry.readTo = need.ranges.map((r) => r.to);
      // Ranges further back come first, so the concatenation is oldest first.
      const order = need.ranges.map((_, k) => k).sort((a, b) => need.ranges[a]!.from - need.ranges[b]!.from);
      const out: MinuteSeriesMap = new Map();
      for (const [key, track] of entry.tracks) out.set(key, { labels: track.labels, points: order.flatMap((k) => track.parts[k]!) });
      return out;
    });
  }
}
