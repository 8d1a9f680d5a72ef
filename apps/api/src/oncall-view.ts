import { nowAndNext, type Schedule } from '@vigia/oncall';
import type { VigiaConfig } from '@vigia/config';

export interface ScheduleSummary {
  name: string;
  timeZone: string;
  /** Everyone the schedule can put on call, layer by layer. */
  participants: string[];
  now: { user: string; start: number; end: number } | null;
  next: { user: string; start: number; end: number } | null;
}

/** Each schedule of monitoring.yaml with who is on call at `at` and who takes over next. */
export function scheduleSummaries(config: VigiaConfig, at: number): ScheduleSummary[] {
  return Object.values(config.oncall.schedules).map((s) => {
    const { now, next } = nowAndNext(s, at);
    return { name: s.name, timeZone: s.timeZone, participants: [...new Set(s.layers.flatMap((l) => l.participants))], now, next };
  });
}

export function findSchedule(config: VigiaConfig, name: string): Schedule | undefined {
  return Object.hasOwn(config.oncall.schedules, name) ? config.oncall.schedules[name] : undefined;
}
