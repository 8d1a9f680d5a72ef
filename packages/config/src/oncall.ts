import { z } from 'zod';
import { parseDuration } from '@vigia/core';
import { isTimeZone, parseLocalDateTime, type Layer, type Schedule } from '@vigia/oncall';

/**
 * `oncall:` in monitoring.yaml: the people escalation steps can page (their contact methods and
 * notification rules) and the schedules that say who is on call. Validated here so a schedule
 * naming an unknown user, a bad time zone or a bad hand-off stops the start with the key named;
 * handed on already in the form @vigia/oncall computes with (override times as instants).
 */

/** Contact methods a user may have, and the channel types that address someone through each. */
export const CONTACT_METHODS = ['email', 'slack', 'phone', 'telegram', 'ntfy', 'pushover'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];
export const CONTACT_FOR_CHANNEL_TYPE: Record<string, ContactMethod> = {
  email: 'email',
  slack: 'slack',
  sms: 'phone',
  voice: 'phone',
  telegram: 'telegram',
  ntfy: 'ntfy',
  pushover: 'pushover',
};

const HOUR = 3_600_000;

/**
 * What each contact looks like to the service that uses it: a typo stops the start here rather
 * than turning into a page that goes nowhere at 3 a.m.
 */
export const CONTACT_FORMATS: Record<ContactMethod, { pattern: RegExp; hint: string }> = {
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'an email address such as ana@example.com' },
  slack: { pattern: /^[UW][A-Z0-9]{2,}$/, hint: 'a Slack member id such as U024BE7LH (profile → ⋮ → Copy member ID)' },
  phone: { pattern: /^\+[1-9]\d{6,14}$/, hint: 'a phone number in international form such as "+351912345678" (quoted)' },
  telegram: { pattern: /^-?\d{1,20}$/, hint: 'a numeric Telegram chat id such as "123456789" (quoted; the person must have started a chat with the bot)' },
  ntfy: { pattern: /^[-_A-Za-z0-9]{1,64}$/, hint: 'an ntfy topic: 1 to 64 letters, digits, - or _' },
  pushover: { pattern: /^[A-Za-z0-9]{30}$/, hint: 'a Pushover user key: 30 letters and digits' },
};

const contact = (method: ContactMethod) =>
  z
    .union([z.string(), z.number()], { error: `must be ${CONTACT_FORMATS[method].hint}` })
    .transform((v) => String(v).trim())
    .refine((v) => CONTACT_FORMATS[method].pattern.test(v), { error: `must be ${CONTACT_FORMATS[method].hint}` });

const ruleDelay = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null || ms < 0) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (write it like 0m, 5m or 1h)` });
    return z.NEVER;
  }
  return ms;
});

const timeZone = z.string({ error: 'must be an IANA time zone such as Europe/Lisbon' }).refine(isTimeZone, {
  error: (issue) => `unknown time zone ${JSON.stringify(issue.input)} (use an IANA name such as Europe/Lisbon or UTC)`,
});

const localDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a date written YYYY-MM-DD`,
  });

const handoff = z.string({ error: 'must be a time written HH:MM (24 h), quoted' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time written HH:MM (24 h), such as "09:00"');

export const oncallUserSchema = z.strictObject({
  ...Object.fromEntries(CONTACT_METHODS.map((m) => [m, contact(m).optional()])),
  /** "immediately by Slack, after 5 min by SMS": each rule, once its delay has passed since the user was paged. */
  rules: z.array(z.strictObject({ after: ruleDelay, channel: z.string().min(1, 'must name a channel') }), { error: 'needs at least one rule such as { after: 0m, channel: email }' }).min(1, 'needs at least one rule such as { after: 0m, channel: email }'),
}) as z.ZodType<{ [K in ContactMethod]?: string } & { rules: { after: number; channel: string }[] }>;

const layerSchema = z
  .strictObject({
    rotation: z.enum(['daily', 'weekly', 'custom'], { error: 'must be daily, weekly or custom' }),
    /** For custom: whole hours or days, like 12h or 2d. */
    length: z.union([z.string(), z.number()]).optional(),
    handoff,
    time_zone: timeZone.optional(),
    participants: z.array(z.string()).min(1, 'needs at least one participant'),
    start: localDate,
    end: localDate.optional(),
  })
  .superRefine((layer, ctx) => {
    if (layer.rotation !== 'custom' && layer.length !== undefined) ctx.addIssue({ code: 'custom', path: ['length'], message: `only a custom rotation has a length (${layer.rotation} is fixed)` });
    if (layer.rotation === 'custom') {
      const ms = layer.length === undefined ? null : parseDuration(layer.length);
      if (ms === null || ms <= 0 || ms % HOUR !== 0) ctx.addIssue({ code: 'custom', path: ['length'], message: 'a custom rotation needs a length in whole hours or days, like 12h or 2d' });
    }
    if (layer.end && layer.end <= layer.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
  });

const overrideSchema = z.strictObject({
  user: z.string(),
  /** `2026-03-07T09:00` in the schedule's time zone, or with an offset. */
  start: z.string({ error: 'must be a date-time such as 2026-03-07T09:00' }),
  end: z.string({ error: 'must be a date-time such as 2026-03-07T18:00' }),
  comment: z.string().optional(),
});

const scheduleSchema = z.strictObject({
  time_zone: timeZone,
  layers: z.array(layerSchema).min(1, 'needs at least one layer'),
  overrides: z.array(overrideSchema).default([]),
});

/** A schedule added from the dashboard or API: written as under oncall.schedules, its overrides kept apart. */
export const storedScheduleSchema = scheduleSchema.omit({ overrides: true });
export type ScheduleLayersFile = z.output<typeof storedScheduleSchema>;

export const oncallSchema = z
  .strictObject({
    users: z.record(z.string(), oncallUserSchema).default({}),
    schedules: z.record(z.string(), scheduleSchema).default({}),
  })
  .superRefine((oncall, ctx) => {
    const known = (user: string) => Object.hasOwn(oncall.users, user);
    const usersHint = () => `(users under oncall.users: ${Object.keys(oncall.users).join(', ') || 'none'})`;
    for (const [name, schedule] of Object.entries(oncall.schedules)) {
      schedule.layers.forEach((layer, i) => {
        layer.participants.forEach((p, j) => {
          if (!known(p)) ctx.addIssue({ code: 'custom', path: ['schedules', name, 'layers', i, 'participants', j], message: `no user named "${p}" ${usersHint()}` });
        });
      });
      schedule.overrides.forEach((o, i) => {
        if (!known(o.user)) ctx.addIssue({ code: 'custom', path: ['schedules', name, 'overrides', i, 'user'], message: `no user named "${o.user}" ${usersHint()}` });
        const start = parseLocalDateTime(o.start, schedule.time_zone);
        const end = parseLocalDateTime(o.end, schedule.time_zone);
        if (start === null) ctx.addIssue({ code: 'custom', path: ['schedules', name, 'overrides', i, 'start'], message: `${JSON.stringify(o.start)} is not a date-time such as 2026-03-07T09:00` });
        if (end === null) ctx.addIssue({ code: 'custom', path: ['schedules', name, 'overrides', i, 'end'], message: `${JSON.stringify(o.end)} is not a date-time such as 2026-03-07T18:00` });
        if (start !== null && end !== null && end <= start) ctx.addIssue({ code: 'custom', path: ['schedules', name, 'overrides', i, 'end'], message: 'must be after start' });
      });
    }
  })
  .default({ users: {}, schedules: {} });

export type OncallFile = z.output<typeof oncallSchema>;

export interface OncallUser {
  name: string;
  contacts: { [K in ContactMethod]?: string };
  rules: { afterMs: number; channel: string }[];
}

export interface OncallConfig {
  users: Record<string, OncallUser>;
  schedules: Record<string, Schedule>;
}

/** The validated `oncall:` section in the form the rotation maths and the escalation use. */
export function toOncallConfig(file: OncallFile): OncallConfig {
  const users = Object.fromEntries(
    Object.entries(file.users).map(([name, { rules, ...contacts }]) => [name, { name, contacts, rules: rules.map((r) => ({ afterMs: r.after, channel: r.channel })) }]),
  );
  const schedules = Object.fromEntries(
    Object.entries(file.schedules).map(([name, s]) => {
      const layers = toLayers(s);
      const overrides = s.overrides.map((o) => ({ user: o.user, start: parseLocalDateTime(o.start, s.time_zone)!, end: parseLocalDateTime(o.end, s.time_zone)! }));
      return [name, { name, timeZone: s.time_zone, layers, overrides } satisfies Schedule];
    }),
  );
  return { users, schedules };
}

/** A schedule's layers, as written in the file, in the form the rotation maths uses. */
export function toLayers(s: ScheduleLayersFile): Layer[] {
  return s.layers.map((l) => ({
    rotation: l.rotation,
    length: l.rotation === 'custom' ? { hours: parseDuration(l.length!)! / HOUR } : undefined,
    handoff: l.handoff,
    timeZone: l.time_zone ?? s.time_zone,
    participants: l.participants,
    start: l.start,
    end: l.end,
  }));
}

/**
 * Escalation steps naming a schedule or user that neither `oncall:` nor the dashboard has: checked
 * when the worker starts, once the schedules and people stored in PostgreSQL are known.
 */
export function escalationTargetProblems(escalation: Partial<Record<string, { schedules: string[]; users: string[] }[]>>, oncall: { schedules: Record<string, unknown>; users: Record<string, unknown> }): string[] {
  const problems: string[] = [];
  for (const [severity, steps] of Object.entries(escalation)) {
    steps?.forEach((step, i) => {
      for (const s of step.schedules) {
        if (!Object.hasOwn(oncall.schedules, s)) problems.push(`alerts.escalation.${severity}[${i}].schedules: no schedule named "${s}" under oncall.schedules or added in the dashboard (have: ${Object.keys(oncall.schedules).join(', ') || 'none'})`);
      }
      for (const u of step.users) {
        if (!Object.hasOwn(oncall.users, u)) problems.push(`alerts.escalation.${severity}[${i}].users: no user named "${u}" under oncall.users or added in the dashboard (have: ${Object.keys(oncall.users).join(', ') || 'none'})`);
      }
    });
  }
  return problems;
}
