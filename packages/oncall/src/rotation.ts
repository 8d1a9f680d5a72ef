import type { Layer, Shift } from './schedule.ts';
import { instantOfNaive, naiveFromLocal, naiveOfInstant } from './wall-clock.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A layer's shift length in naive (wall-clock) milliseconds. */
export function shiftLength(layer: Layer): number {
  if (layer.rotation === 'daily') return DAY;
  if (layer.rotation === 'weekly') return 7 * DAY;
  const ms = (layer.length?.days ?? 0) * DAY + (layer.length?.hours ?? 0) * HOUR;
  if (!(ms > 0)) throw new Error('a custom rotation needs a length of at least one hour');
  return ms;
}

function boundaries(layer: Layer) {
  const origin = naiveFromLocal(layer.start, layer.handoff);
  const length = shiftLength(layer);
  const end = layer.end ? instantOfNaive(naiveFromLocal(layer.end, layer.handoff), layer.timeZone) : Infinity;
  /** The instant shift k begins (k = 0 is the first participant's first shift). */
  const at = (k: number) => Math.min(instantOfNaive(origin + k * length, layer.timeZone), end);
  return { origin, length, at, first: at(0), end };
}

/** The layer's shift holding instant `t`, or null before its start, after its end or with no participants. */
export function layerShiftAt(layer: Layer, t: number): Shift | null {
  if (!layer.participants.length) return null;
  const { origin, length, at, first, end } = boundaries(layer);
  if (t < first || t >= end) return null;
  // The naive estimate can be off by one next to a DST change; the instants decide.
  let k = Math.floor((naiveOfInstant(t, layer.timeZone) - origin) / length);
  while (k > 0 && at(k) > t) k--;
  while (at(k + 1) <= t) k++;
  return { start: at(k), end: at(k + 1), user: layer.participants[k % layer.participants.length]! };
}

/** The layer's shifts overlapping [from, to), in order, cut to nothing outside the layer's own span. */
export function layerShifts(layer: Layer, from: number, to: number, limit = 10_000): Shift[] {
  const out: Shift[] = [];
  if (!layer.participants.length) return out;
  const { first, end } = boundaries(layer);
  let shift = layerShiftAt(layer, Math.max(from, first));
  while (shift && shift.start < to && out.length < limit) {
    out.push(shift);
    if (shift.end >= end) break;
    shift = layerShiftAt(layer, shift.end);
  }
  return out;
}
