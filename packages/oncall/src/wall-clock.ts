import { DateTime } from 'luxon';

/**
 * Local wall-clock time counted as milliseconds of a UTC calendar ("naive" time): the arithmetic
 * of rotations is done here, where every day has 24 hours, and only the boundaries are turned
 * into instants through the zone's rules. That is what keeps a 09:00 hand-off at 09:00 local
 * across a DST change.
 */
export function naiveFromLocal(date: string, time: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, hh, mm);
}

/**
 * The instant a local wall-clock time happens in a zone. A time skipped by a spring-forward gap
 * comes out as the first instant after the gap (Luxon moves it forward by the gap); a time that
 * happens twice in a fall-back comes out as its first occurrence.
 */
export function instantOfNaive(naive: number, zone: string): number {
  const d = new Date(naive);
  return DateTime.fromObject(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() },
    { zone },
  ).toMillis();
}

/** The wall-clock time an instant shows in a zone, as naive ms. */
export function naiveOfInstant(instant: number, zone: string): number {
  const t = DateTime.fromMillis(instant, { zone });
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/** Whether a zone name is one this runtime's time-zone data knows. */
export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/**
 * `2026-03-07T09:00` (local to `zone`) or with an offset / `Z` (absolute) to epoch ms; null when
 * it is not a date-time.
 */
export function parseLocalDateTime(text: string, zone: string): number | null {
  const t = DateTime.fromISO(text, { zone, setZone: false });
  return t.isValid ? t.toMillis() : null;
}
