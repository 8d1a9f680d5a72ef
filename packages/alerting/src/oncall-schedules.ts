import { and, gt, lt } from 'drizzle-orm';
import { ConfigError, escalationTargetProblems, toLayers, type OncallConfig, type OncallUser, type VigiaConfig } from '@vigia/config';
import { oncallOverrides, oncallSchedules, oncallUsers, type Database } from '@vigia/db';
import type { Schedule } from '@vigia/oncall';

/** The people and schedules escalation can use, and which of them were added from the dashboard or API. */
export interface LoadedOncall extends OncallConfig {
  /** Names stored in PostgreSQL (editable); the others are monitoring.yaml's (read-only). */
  stored: { users: Set<string>; schedules: Set<string> };
}

/**
 * monitoring.yaml's `oncall:` with the people and schedules added from the dashboard or API.
 * Read at each use, so what an operator saves on one API process is used by every worker at once,
 * without a restart. A name in the file wins over a stored one (the API refuses to store a name
 * the file has; a file that later gains the name takes it over).
 */
export async function loadOncall(db: Database, config: VigiaConfig): Promise<LoadedOncall> {
  const [userRows, scheduleRows] = await Promise.all([db.select().from(oncallUsers).orderBy(oncallUsers.name), db.select().from(oncallSchedules).orderBy(oncallSchedules.name)]);
  const users: Record<string, OncallUser> = {};
  const schedules: Record<string, Schedule> = {};
  const stored = { users: new Set<string>(), schedules: new Set<string>() };
  for (const row of userRows) {
    if (Object.hasOwn(config.oncall.users, row.name)) continue;
    users[row.name] = { name: row.name, contacts: row.contacts, rules: row.rules };
    stored.users.add(row.name);
  }
  for (const row of scheduleRows) {
    if (Object.hasOwn(config.oncall.schedules, row.name)) continue;
    schedules[row.name] = { name: row.name, timeZone: row.timeZone, layers: toLayers({ time_zone: row.timeZone, layers: row.layers }), overrides: [] };
    stored.schedules.add(row.name);
  }
  // The file's first, in its order (clashing names were skipped above).
  return { users: { ...config.oncall.users, ...users }, schedules: { ...config.oncall.schedules, ...schedules }, stored };
}

/** The configuration with `oncall` as loadOncall gives it: what escalation works from. */
export async function withStoredOncall(db: Database, config: VigiaConfig): Promise<VigiaConfig> {
  const { users, schedules } = await loadOncall(db, config);
  return { ...config, oncall: { users, schedules } };
}

/**
 * Every schedule (monitoring.yaml's and those added from the dashboard) with the overrides added
 * from the dashboard or API that overlap [from, to) appended: appended last, they win over the
 * file's own where both cover an instant (the later decision).
 */
export async function loadSchedules(db: Database, config: VigiaConfig, from: number, to: number, oncall?: OncallConfig): Promise<Record<string, Schedule>> {
  const { schedules } = oncall ?? (await loadOncall(db, config));
  if (!Object.keys(schedules).length) return {};
  const rows = await db
    .select({ schedule: oncallOverrides.schedule, user: oncallOverrides.user, startsAt: oncallOverrides.startsAt, endsAt: oncallOverrides.endsAt })
    .from(oncallOverrides)
    .where(and(gt(oncallOverrides.endsAt, new Date(from)), lt(oncallOverrides.startsAt, new Date(to))))
    .orderBy(oncallOverrides.id);
  const out: Record<string, Schedule> = {};
  for (const [name, schedule] of Object.entries(schedules)) {
    const added = rows.filter((r) => r.schedule === name).map((r) => ({ user: r.user, start: r.startsAt.getTime(), end: r.endsAt.getTime() }));
    out[name] = added.length ? { ...schedule, overrides: [...schedule.overrides, ...added] } : schedule;
  }
  return out;
}

/**
 * Stops the worker's start when an escalation step names a schedule or person that neither
 * monitoring.yaml nor the dashboard has, naming the file and the step's key.
 */
export async function checkEscalationTargets(db: Database, config: VigiaConfig): Promise<void> {
  const steps = Object.values(config.alerts.escalation).flat();
  if (!steps.some((s) => s && (s.schedules.length || s.users.length))) return;
  const problems = escalationTargetProblems(config.alerts.escalation, await loadOncall(db, config));
  if (problems.length) throw new ConfigError(config.file, problems);
}
