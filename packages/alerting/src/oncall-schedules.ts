import { and, gt, lt } from 'drizzle-orm';
import type { VigiaConfig } from '@vigia/config';
import { oncallOverrides, type Database } from '@vigia/db';
import type { Schedule } from '@vigia/oncall';

/**
 * The schedules of monitoring.yaml with the overrides added from the dashboard or API that
 * overlap [from, to) appended: appended last, they win over the file's own where both cover an
 * instant (the later decision). Read at each use, so an override added on one API process is
 * seen by every worker without a restart.
 */
export async function loadSchedules(db: Database, config: VigiaConfig, from: number, to: number): Promise<Record<string, Schedule>> {
  const names = Object.keys(config.oncall.schedules);
  if (!names.length) return {};
  const rows = await db
    .select({ schedule: oncallOverrides.schedule, user: oncallOverrides.user, startsAt: oncallOverrides.startsAt, endsAt: oncallOverrides.endsAt })
    .from(oncallOverrides)
    .where(and(gt(oncallOverrides.endsAt, new Date(from)), lt(oncallOverrides.startsAt, new Date(to))))
    .orderBy(oncallOverrides.id);
  const out: Record<string, Schedule> = {};
  for (const [name, schedule] of Object.entries(config.oncall.schedules)) {
    const added = rows.filter((r) => r.schedule === name).map((r) => ({ user: r.user, start: r.startsAt.getTime(), end: r.endsAt.getTime() }));
    out[name] = added.length ? { ...schedule, overrides: [...schedule.overrides, ...added] } : schedule;
  }
  return out;
}
