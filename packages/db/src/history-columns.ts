// Packing samples into the column arrays the insert paths send (COPY rows or unnest() arrays).
import type { StoredSample } from './history-types.ts';
import { pgMicros, type RawColumns } from './sample-copy.ts';

export interface Columns extends RawColumns {
  /** the timestamps as given, for the SQL paths (to_timestamp(ms / 1000.0)) */
  ms: Float64Array;
  duplicates: number;
}

/**
 * The rows to write: samples of the batches kept, each (series, timestamp) once, the first
 * occurrence winning as it would under ON CONFLICT DO NOTHING; grouped by series in ascending id
 * order, keeping each series' own order. Collection delivers every series at one instant, then
 * the next; the primary key takes rows series by series markedly faster (neighbouring keys, the
 * same index pages), and the rollups come out in one pass.
 */
export function toColumns(samples: StoredSample[], ids: Int32Array, keep: (index: number) => boolean): Columns {
  const n = samples.length;
  const rowSlot = new Int32Array(n);
  const rowMicros = new Float64Array(n);
  const rowIndex = new Int32Array(n);
  // Per series seen (a slot): its id, how many rows, its newest timestamp so far.
  const slotOf = new Map<number, number>();
  const slotSeries: number[] = [];
  const slotCount: number[] = [];
  const slotNewest: number[] = [];
  // A series whose timestamps only grow within the call cannot repeat one; only the others get
  // the costlier check.
  let suspects: Set<number> | undefined;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    const s = samples[i]!;
    if (!Number.isFinite(s.timestamp)) throw new Error(`sample ${s.name} has no valid timestamp (${s.timestamp})`);
    const seriesId = ids[i]!;
    const us = pgMicros(s.timestamp);
    let slot = slotOf.get(seriesId);
    if (slot === undefined) {
      slot = slotSeries.length;
      slotOf.set(seriesId, slot);
      slotSeries.push(seriesId);
      slotCount.push(0);
      slotNewest.push(us);
    } else if (us > slotNewest[slot]!) slotNewest[slot] = us;
    else (suspects ??= new Set()).add(slot);
    slotCount[slot]!++;
    rowSlot[kept] = slot;
    rowMicros[kept] = us;
    rowIndex[kept] = i;
    kept++;
  }
  let duplicates = 0;
  let dropped: Uint8Array | undefined;
  if (suspects) {
    dropped = new Uint8Array(kept);
    const seen = new Map<number, Set<number>>();
    for (let r = 0; r < kept; r++) {
      const slot = rowSlot[r]!;
      if (!suspects.has(slot)) continue;
      let times = seen.get(slot);
      if (times === undefined) seen.set(slot, (times = new Set()));
      if (times.has(rowMicros[r]!)) {
        dropped[r] = 1;
        slotCount[slot]!--;
        duplicates++;
      } else times.add(rowMicros[r]!);
    }
  }
  const length = kept - duplicates;
  const next = new Array<number>(slotSeries.length);
  let at = 0;
  for (const slot of slotSeries.map((_, i) => i).sort((a, b) => slotSeries[a]! - slotSeries[b]!)) {
    next[slot] = at;
    at += slotCount[slot]!;
  }
  const seriesIds = new Int32Array(length);
  const micros = new Float64Array(length);
  const ms = new Float64Array(length);
  const values = new Float64Array(length);
  for (let r = 0; r < kept; r++) {
    if (dropped?.[r]) continue;
    const slot = rowSlot[r]!;
    const to = next[slot]!++;
    const s = samples[rowIndex[r]!]!;
    seriesIds[to] = slotSeries[slot]!;
    micros[to] = rowMicros[r]!;
    ms[to] = s.timestamp;
    values[to] = s.value;
  }
  return { length, seriesIds, micros, ms, values, duplicates };
}

export const sqlArrays = (rows: Columns): unknown[] => [
  Array.from(rows.seriesIds.subarray(0, rows.length)),
  Array.from(rows.ms.subarray(0, rows.length)),
  Array.from(rows.values.subarray(0, rows.length)),
];
