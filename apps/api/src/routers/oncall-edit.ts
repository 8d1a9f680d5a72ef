import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { loadOncall } from '@vigia/alerting';
import { hasRole } from '@vigia/auth';
import { CONTACT_METHODS, oncallUserSchema, storedScheduleSchema, type ContactMethod, type OncallUser } from '@vigia/config';
import { oncallOverrides, oncallSchedules, oncallUsers, type StoredLayer } from '@vigia/db';
import type { Layer } from '@vigia/oncall';
import { audit } from '../audit.ts';
import type { ApiDeps } from '../deps.ts';
import { operatorProcedure, protectedProcedure } from '../trpc.ts';

/** A Pushover user key and an ntfy topic are credentials: whoever knows them can push to the person. */
const MASKED: ContactMethod[] = ['pushover', 'ntfy'];
const mask = (value: string) => `${value.slice(0, 3)}…`;

const name = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][\w .@-]{0,63}$/, 'a name is 1 to 64 letters, digits, spaces, . _ @ or -, starting with a letter or digit');

const badRequest = (issues: z.core.$ZodIssue[], prefix: string) =>
  new TRPCError({ code: 'BAD_REQUEST', message: issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== '').join('.')}: ${i.message}`).join('; ') });

/** The escalation steps of monitoring.yaml that name `target` among their schedules or users. */
function stepsNaming(deps: ApiDeps, kind: 'schedules' | 'users', target: string): string[] {
  return Object.entries(deps.config.alerts.escalation).flatMap(([severity, steps]) => (steps ?? []).flatMap((s, i) => (s[kind].includes(target) ? [`alerts.escalation.${severity}[${i}]`] : [])));
}

/** A layer of monitoring.yaml's, written back the way the file writes it. */
function layerAsFile(l: Layer, zone: string): StoredLayer {
  const hours = (l.length?.days ?? 0) * 24 + (l.length?.hours ?? 0);
  return {
    rotation: l.rotation,
    ...(l.rotation === 'custom' ? { length: hours % 24 === 0 ? `${hours / 24}d` : `${hours}h` } : {}),
    handoff: l.handoff,
    ...(l.timeZone !== zone ? { time_zone: l.timeZone } : {}),
    participants: l.participants,
    start: l.start,
    ...(l.end ? { end: l.end } : {}),
  };
}

/**
 * A person as the API shows them. Addresses are personal data: only those who may page or edit
 * people (operator and up) get `contacts`; a viewer gets null there and only `contactKinds`.
 */
function userView(u: OncallUser, source: 'file' | 'dashboard', showContacts: boolean) {
  const present = Object.entries(u.contacts).filter(([, v]) => v);
  const contactKinds = present.map(([m]) => m as ContactMethod).sort((a, b) => CONTACT_METHODS.indexOf(a) - CONTACT_METHODS.indexOf(b));
  const contacts: Partial<Record<ContactMethod, string>> | null = showContacts ? Object.fromEntries(present.map(([m, v]) => [m, MASKED.includes(m as ContactMethod) ? mask(v!) : v!])) : null;
  return { name: u.name, source, contactKinds, contacts, rules: u.rules };
}

/**
 * People and schedules edited from the dashboard or API (operator and up), stored in PostgreSQL
 * beside monitoring.yaml's own, which stay read-only here. Escalation reads them at each step.
 */
export const oncallEditProcedures = {
  /** Everyone escalation can page, with where they come from; addresses for operators and up, credentials among them masked. */
  people: protectedProcedure.query(async ({ ctx }) => {
    const oncall = await loadOncall(ctx.deps.store.db, ctx.deps.config);
    const showContacts = hasRole(ctx.principal, 'operator');
    return Object.values(oncall.users)
      .map((u) => userView(u, oncall.stored.users.has(u.name) ? 'dashboard' : 'file', showContacts))
      .sort((a, b) => a.name.localeCompare(b.name));
  }),

  /** Every schedule's layers as monitoring.yaml writes them, with where it comes from. */
  scheduleDefinitions: protectedProcedure.query(async ({ ctx }) => {
    const oncall = await loadOncall(ctx.deps.store.db, ctx.deps.config);
    return Object.values(oncall.schedules)
      .map((s) => ({
        name: s.name,
        source: oncall.stored.schedules.has(s.name) ? ('dashboard' as const) : ('file' as const),
        time_zone: s.timeZone,
        layers: s.layers.map((l) => layerAsFile(l, s.timeZone)),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }),

  /** Adds or changes a person: contact methods and notification rules written as under oncall.users. */
  saveUser: operatorProcedure
    .input(z.object({ name, contacts: z.partialRecord(z.enum(CONTACT_METHODS), z.string()).default({}), rules: z.array(z.object({ after: z.union([z.string(), z.number()]), channel: z.string() })) }))
    .mutation(async ({ ctx, input }) => {
      const { config, store } = ctx.deps;
      if (Object.hasOwn(config.oncall.users, input.name))
        throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is defined in monitoring.yaml (oncall.users.${input.name}); change it there` });
      const [before] = await store.db.select().from(oncallUsers).where(eq(oncallUsers.name, input.name));
      // A masked credential sent back unchanged keeps the stored value.
      const contacts = Object.fromEntries(
        Object.entries(input.contacts)
          .filter(([, v]) => v?.trim())
          .map(([m, v]) => {
            const kept = before?.contacts[m];
            return [m, kept && MASKED.includes(m as ContactMethod) && v === mask(kept) ? kept : v];
          }),
      );
      const parsed = oncallUserSchema.safeParse({ ...contacts, rules: input.rules });
      if (!parsed.success) throw badRequest(parsed.error.issues, '');
      const { rules, ...checked } = parsed.data;
      const unknown = rules.map((r, i) => [r, i] as const).filter(([r]) => !config.channels[r.channel]);
      if (unknown.length) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: unknown.map(([r, i]) => `rules[${i}].channel: no channel named "${r.channel}" (have: ${Object.keys(config.channels).join(', ') || 'none'})`).join('; '),
        });
      }
      const row = {
        name: input.name,
        contacts: checked as Record<string, string>,
        rules: rules.map((r) => ({ afterMs: r.after, channel: r.channel })),
        updatedBy: ctx.principal.username,
        updatedAt: new Date(),
      };
      await store.db
        .insert(oncallUsers)
        .values(row)
        .onConflictDoUpdate({ target: oncallUsers.name, set: { contacts: row.contacts, rules: row.rules, updatedBy: row.updatedBy, updatedAt: row.updatedAt } });
      await audit(
        ctx.deps,
        ctx.principal.username,
        before ? 'oncall.user_update' : 'oncall.user_add',
        { type: 'oncall_user', id: input.name },
        { methods: Object.keys(checked).sort(), rules: row.rules },
      );
      return userView({ name: row.name, contacts: row.contacts, rules: row.rules }, 'dashboard', true);
    }),

  /** Removes a person added here; refused while a schedule or an escalation step names them. */
  removeUser: operatorProcedure.input(z.object({ name: z.string() })).mutation(async ({ ctx, input }) => {
    const { config, store } = ctx.deps;
    if (Object.hasOwn(config.oncall.users, input.name)) throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is defined in monitoring.yaml (oncall.users.${input.name}); remove it there` });
    const oncall = await loadOncall(store.db, config);
    const inSchedules = Object.values(oncall.schedules).filter((s) => s.layers.some((l) => l.participants.includes(input.name)));
    const steps = stepsNaming(ctx.deps, 'users', input.name);
    if (inSchedules.length || steps.length) {
      throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is still named by ${[...inSchedules.map((s) => `schedule ${s.name}`), ...steps].join(', ')}; take them out there first` });
    }
    const [row] = await store.db.delete(oncallUsers).where(eq(oncallUsers.name, input.name)).returning();
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no user named "${input.name}" added in the dashboard` });
    await audit(ctx.deps, ctx.principal.username, 'oncall.user_remove', { type: 'oncall_user', id: input.name });
    return { removed: input.name };
  }),

  /** Adds or changes a schedule: time zone and layers written as under oncall.schedules. */
  saveSchedule: operatorProcedure.input(z.object({ name, time_zone: z.unknown(), layers: z.unknown() })).mutation(async ({ ctx, input }) => {
    const { config, store } = ctx.deps;
    if (Object.hasOwn(config.oncall.schedules, input.name))
      throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is defined in monitoring.yaml (oncall.schedules.${input.name}); change it there` });
    const parsed = storedScheduleSchema.safeParse({ time_zone: input.time_zone, layers: input.layers });
    if (!parsed.success) throw badRequest(parsed.error.issues, '');
    const oncall = await loadOncall(store.db, config);
    const unknown = parsed.data.layers.flatMap((l, i) =>
      l.participants.flatMap((p, j) =>
        Object.hasOwn(oncall.users, p) ? [] : [`layers[${i}].participants[${j}]: no user named "${p}" (have: ${Object.keys(oncall.users).sort().join(', ') || 'none'})`],
      ),
    );
    if (unknown.length) throw new TRPCError({ code: 'BAD_REQUEST', message: unknown.join('; ') });
    const [before] = await store.db.select({ name: oncallSchedules.name }).from(oncallSchedules).where(eq(oncallSchedules.name, input.name));
    const row = { name: input.name, timeZone: parsed.data.time_zone, layers: parsed.data.layers as StoredLayer[], updatedBy: ctx.principal.username, updatedAt: new Date() };
    await store.db
      .insert(oncallSchedules)
      .values(row)
      .onConflictDoUpdate({ target: oncallSchedules.name, set: { timeZone: row.timeZone, layers: row.layers, updatedBy: row.updatedBy, updatedAt: row.updatedAt } });
    await audit(ctx.deps, ctx.principal.username, before ? 'oncall.schedule_update' : 'oncall.schedule_add', { type: 'schedule', id: input.name }, { time_zone: row.timeZone, layers: row.layers });
    return { name: row.name, source: 'dashboard' as const, time_zone: row.timeZone, layers: row.layers };
  }),

  /** Removes a schedule added here, with its overrides; refused while an escalation step names it. */
  removeSchedule: operatorProcedure.input(z.object({ name: z.string() })).mutation(async ({ ctx, input }) => {
    const { config, store } = ctx.deps;
    if (Object.hasOwn(config.oncall.schedules, input.name))
      throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is defined in monitoring.yaml (oncall.schedules.${input.name}); remove it there` });
    const steps = stepsNaming(ctx.deps, 'schedules', input.name);
    if (steps.length) throw new TRPCError({ code: 'CONFLICT', message: `${input.name} is still named by ${steps.join(', ')} in monitoring.yaml; take it out there first` });
    const removed = await store.db.transaction(async (tx) => {
      const [row] = await tx.delete(oncallSchedules).where(eq(oncallSchedules.name, input.name)).returning();
      if (row) await tx.delete(oncallOverrides).where(eq(oncallOverrides.schedule, input.name));
      return row;
    });
    if (!removed) throw new TRPCError({ code: 'NOT_FOUND', message: `no schedule named "${input.name}" added in the dashboard` });
    await audit(ctx.deps, ctx.principal.username, 'oncall.schedule_remove', { type: 'schedule', id: input.name });
    return { removed: input.name };
  }),
};
