import type { RangePlan } from '@vigia/core';
import type { HistoryPoint, HistorySeries } from '@vigia/db';
import type { LiveSample, SampleReader } from '@vigia/live';

/**
 * History is written in batches (storage.flush_interval), so the newest seconds of every series
 * are only in Redis' live window. A chart reads history once and then grows from live samples
 * that arrive after it subscribed: without this tail, samples between the last flush and the
 * subscription would be missing from the chart (and a series seen only once would draw nothing).
 */
export async function withLiveTail(reader: SampleReader, series: HistorySeries[], current: LiveSample[], range: { from: number; to: number; plan: RangePlan }): Promise<HistorySeries[]> {
  const byKey = new Map<string, HistorySeries>();
  for (const s of series) byKey.set(labelsKey(s.labels), s);
  const out = [...series];
  await Promise.all(
    current.map(async (live) => {
      let stored = byKey.get(labelsKey(live.labels));
      const last = stored?.points.at(-1)?.t;
      if (last !== undefined && live.timestamp <= last) return; // nothing newer than history
      const samples = await reader.window(live.key, Math.max(range.from, last === undefined ? -Infinity : last + 1), range.to);
      const points = foldTail(samples, range.plan.bucketMs, last);
      if (points.length === 0) return;
      if (!stored) {
        stored = { name: live.name, labels: live.labels, unit: live.unit ?? null, points: [] };
        out.push(stored);
      }
      stored.points = [...stored.points, ...points];
    }),
  );
  return out;
}

/** Live samples as the history's points: raw, or averaged into buckets after the last stored one. */
export function foldTail(samples: { t: number; v: number }[], bucketMs: number, lastStored: number | undefined): HistoryPoint[] {
  if (bucketMs === 0) return samples.filter((s) => lastStored === undefined || s.t > lastStored).map((s) => ({ t: s.t, v: s.v }));
  const buckets = new Map<number, { sum: number; n: number; min: number; max: number }>();
  for (const s of samples) {
    const t = Math.floor(s.t / bucketMs) * bucketMs;
    // The stored bucket may hold part of its samples already; adding a second point at the same
    // time would draw a spike, so the rest of that bucket waits for the next read.
    if (lastStored !== undefined && t <= lastStored) continue;
    const b = buckets.get(t);
    if (b) {
      b.sum += s.v;
      b.n++;
      b.min = Math.min(b.min, s.v);
      b.max = Math.max(b.max, s.v);
    } else buckets.set(t, { sum: s.v, n: 1, min: s.v, max: s.v });
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, b]) => ({ t, v: b.sum / b.n, min: b.min, max: b.max }));
}

function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
