import { nowAndNext, type Schedule } from '@vigia/oncall';

export interface ScheduleSummary {
  name: string;
  timeZone: string;
  /** Everyone the schedule's layers put on call, in order. */
  participants: string[];
  /** `end` null: no hand-off within the look-ahead (a one-person rotation, say). */
  now: { user: string; start: number; end: number | null } | null;
  next: { user: string; start: number; end: number } | null;
}

/** Each schedule with who is on call at `at` and who takes over next (within 60 days). */
export function scheduleSummaries(schedules: Record<string, Schedule>, at: number): ScheduleSummary[] {
  return Object.values(schedules).map((s) => {
    const { now, next } = nowAndNext(s, at);
    return { name: s.name, timeZone: s.timeZone, participants: [...new Set(s.layers.flatMap((l) => l.participants))], now, next };
  });
}

/** How far ahead "next" looks (nowAndNext's horizon): the overrides to load for it. */
export const NEXT_HORIZON_MS = 60 * 86_400_000;
