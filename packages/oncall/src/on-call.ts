import { layerShiftAt, layerShifts } from './rotation.ts';
import type { Schedule, Shift } from './schedule.ts';

/** Who is on call at `t` (epoch ms), and why: an override first, then the last layer with someone. */
export function onCallAt(schedule: Schedule, t: number): { user: string; source: 'override' | 'layer'; until: number } | null {
  // The override added last wins where two overlap: it is the newer decision.
  for (let i = schedule.overrides.length - 1; i >= 0; i--) {
    const o = schedule.overrides[i]!;
    if (o.start <= t && t < o.end) return { user: o.user, source: 'override', until: o.end };
  }
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const shift = layerShiftAt(schedule.layers[i]!, t);
    if (shift) return { user: shift.user, source: 'layer', until: shift.end };
  }
  return null;
}

/**
 * The final shifts in [from, to): layers and overrides flattened into who is actually on call,
 * cut at the range's ends, with back-to-back shifts of one person merged. Gaps (nobody on call)
 * are left out.
 */
export function shiftsBetween(schedule: Schedule, from: number, to: number): Shift[] {
  if (!(to > from)) return [];
  const points = new Set<number>([from, to]);
  for (const layer of schedule.layers) {
    for (const s of layerShifts(layer, from, to)) points.add(s.start).add(s.end);
  }
  for (const o of schedule.overrides) points.add(o.start).add(o.end);
  const sorted = [...points].filter((p) => p >= from && p <= to).sort((a, b) => a - b);
  const out: Shift[] = [];
  for (let i = 0; i < sorted.length - 1; i++) {
    const start = sorted[i]!;
    const end = sorted[i + 1]!;
    const who = onCallAt(schedule, start);
    if (!who) continue;
    const last = out.at(-1);
    if (last && last.user === who.user && last.end === start) last.end = end;
    else out.push({ start, end, user: who.user });
  }
  return out;
}

/**
 * Who is on call now, and the next different person with when they take over (within `horizonMs`).
 * `now.end` is null when the current person is still on call at the horizon (a one-person rotation,
 * say): the range's cut is no hand-off, and showing it as one would announce a change that never comes.
 */
export function nowAndNext(schedule: Schedule, now: number, horizonMs = 60 * 86_400_000): { now: (Omit<Shift, 'end'> & { end: number | null }) | null; next: Shift | null } {
  const until = now + horizonMs;
  const shifts = shiftsBetween(schedule, now, until);
  const first = shifts[0] && shifts[0].start <= now ? shifts[0] : null;
  const current = first && { ...first, end: first.end >= until ? null : first.end };
  const next = shifts.find((s) => s.start > now && s.user !== current?.user) ?? null;
  return { now: current, next };
}
