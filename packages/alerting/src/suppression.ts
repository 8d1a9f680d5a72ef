import { Cron } from 'croner';
import { and, gt, isNull, lte } from 'drizzle-orm';
import { labelsMatch } from '@vigia/core';
import type { MaintenanceWindowConfig } from '@vigia/config';
import { maintenanceWindows, silences, type Database, type Matchers, type WindowSchedule } from '@vigia/db';

export interface Suppression {
  kind: 'silence' | 'maintenance';
  id: string;
  /** For people: "silence #3 by ana: deploy" or "maintenance window Nightly backup". */
  description: string;
  endsAt: number;
}

const DAY_NUMBER: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export function cronOf(schedule: WindowSchedule): string {
  if (schedule.every === 'cron') return schedule.cron!;
  const [hour, minute] = schedule.at!.split(':').map(Number) as [number, number];
  const days = schedule.every === 'weekly' ? schedule.days!.map((d) => DAY_NUMBER[d]).join(',') : '*';
  return `${minute} ${hour} * * ${days}`;
}

/** The occurrence of a recurring window that covers `now`, if one does: [start, end). */
export function activeOccurrence(schedule: WindowSchedule, now: number): { start: number; end: number } | null {
  const cron = new Cron(cronOf(schedule), { timezone: schedule.timezone, paused: true });
  // The first start after (now - duration) is the only one whose window can still cover now.
  const start = cron.nextRun(new Date(now - schedule.durationMs))?.getTime();
  if (start === undefined || start > now) return null;
  return { start, end: start + schedule.durationMs };
}

/** The first occurrence starting after `after`, if the schedule has one. */
export function nextOccurrence(schedule: WindowSchedule, after: number): { start: number; end: number } | null {
  const start = new Cron(cronOf(schedule), { timezone: schedule.timezone, paused: true }).nextRun(new Date(after))?.getTime();
  return start === undefined ? null : { start, end: start + schedule.durationMs };
}

export function scheduleFromConfig(w: MaintenanceWindowConfig): WindowSchedule {
  return { every: w.every, at: w.at, days: w.days, cron: w.cron, durationMs: w.duration, timezone: w.timezone };
}

function matches(m: Matchers, rule: string, labels: Record<string, string>): boolean {
  return (m.rule === undefined || m.rule === rule) && labelsMatch(labels, m.labels);
}

export interface WindowDefinition {
  id: string;
  name: string;
  schedule: WindowSchedule;
  matchers: Matchers;
}

/** What silences and maintenance windows cover at one moment. */
export class Suppressions {
  constructor(
    private readonly silenceRows: (typeof silences.$inferSelect)[],
    private readonly windows: WindowDefinition[],
    private readonly now: number,
  ) {}

  /** The first silence or active window covering this alert, or null. */
  match(rule: string, labels: Record<string, string>): Suppression | null {
    for (const s of this.silenceRows) {
      if (matches(s.matchers, rule, labels)) {
        return { kind: 'silence', id: String(s.id), description: `silence #${s.id} by ${s.createdBy}${s.comment ? `: ${s.comment}` : ''}`, endsAt: s.endsAt.getTime() };
      }
    }
    for (const w of this.windows) {
      if (!matches(w.matchers, rule, labels)) continue;
      const occurrence = activeOccurrence(w.schedule, this.now);
      if (occurrence) return { kind: 'maintenance', id: w.id, description: `maintenance window ${w.name}`, endsAt: occurrence.end };
    }
    return null;
  }
}

/** Windows from monitoring.yaml (ids `config:<name>`) and from the API (ids `<n>`). */
export async function loadWindows(db: Database, fromConfig: MaintenanceWindowConfig[]): Promise<WindowDefinition[]> {
  const stored = await db.select().from(maintenanceWindows);
  return [
    ...fromConfig.map((w) => ({ id: `config:${w.name}`, name: w.name, schedule: scheduleFromConfig(w), matchers: { rule: w.match.rule, labels: w.match.labels } })),
    ...stored.map((w) => ({ id: String(w.id), name: w.name, schedule: w.schedule, matchers: w.matchers })),
  ];
}

export async function loadSuppressions(db: Database, fromConfig: MaintenanceWindowConfig[], now: number): Promise<Suppressions> {
  const [active, windows] = await Promise.all([
    db
      .select()
      .from(silences)
      .where(and(lte(silences.startsAt, new Date(now)), gt(silences.endsAt, new Date(now)), isNull(silences.endedAt))),
    loadWindows(db, fromConfig),
  ]);
  return new Suppressions(active, windows, now);
}
