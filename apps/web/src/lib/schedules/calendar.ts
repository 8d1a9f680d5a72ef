/** One day of the calendar (the viewer's local day) and who is on call during it. */
export interface CalendarDay {
  start: number;
  end: number;
  people: { user: string; from: number; to: number }[];
}

export interface ShiftLike {
  start: number;
  end: number;
  user: string;
}

/** `days` local days from the one holding `now`, each with the shifts that overlap it, cut to the day. */
export function calendarDays(shifts: ShiftLike[], now: number, days: number): CalendarDay[] {
  const first = new Date(now);
  first.setHours(0, 0, 0, 0);
  const out: CalendarDay[] = [];
  for (let i = 0; i < days; i++) {
    // Calendar arithmetic, not +24 h: a day across a DST change has 23 or 25 hours.
    const start = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i).getTime();
    const end = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i + 1).getTime();
    const people = shifts.filter((s) => s.start < end && s.end > start).map((s) => ({ user: s.user, from: Math.max(s.start, start), to: Math.min(s.end, end) }));
    out.push({ start, end, people });
  }
  return out;
}
