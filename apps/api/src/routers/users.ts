import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, apiTokens, sessions, users } from '@vigia/db';
import { hashPassword } from '@vigia/auth';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';
import { audit } from '../audit.ts';

const username = z.string().trim().min(1).max(64).regex(/^[a-zA-Z0-9._@-]+$/, 'letters, digits and . _ @ - only');
const password = z.string().min(10, 'at least 10 characters').max(1000);

const publicUser = { id: users.id, username: users.username, role: users.role, email: users.email, createdAt: users.createdAt, disabledAt: users.disabledAt };

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.deps.store.db.select(publicUser).from(users).orderBy(asc(users.username))),

  create: adminProcedure
    .input(z.object({ username, password, role: z.enum(ROLES), email: z.email().optional() }))
    .mutation(async ({ ctx, input }) => {
      const passwordHash = await hashPassword(input.password);
      const [row] = await ctx.deps.store.db.insert(users).values({ username: input.username, passwordHash, role: input.role, email: input.email ?? null }).onConflictDoNothing().returning(publicUser);
      if (!row) throw new TRPCError({ code: 'CONFLICT', message: `user ${input.username} exists` });
      await audit(ctx.deps, ctx.principal.username, 'user.create', { type: 'user', id: row.id }, { username: row.username, role: row.role });
      return row;
    }),

  update: adminProcedure
    .input(z.object({ id: z.number().int(), role: z.enum(ROLES).optional(), password: password.optional(), disabled: z.boolean().optional(), email: z.email().nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.deps.store;
      if (input.id === ctx.principal.userId && (input.disabled || (input.role && input.role !== 'admin'))) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'you cannot disable yourself or take your own admin role' });
      }
      const set: Partial<typeof users.$inferInsert> = {};
      if (input.role) set.role = input.role;
      if (input.password) set.passwordHash = await hashPassword(input.password);
      if (input.disabled !== undefined) set.disabledAt = input.disabled ? new Date() : null;
      if (input.email !== undefined) set.email = input.email;
      const [row] = await db.update(users).set(set).where(eq(users.id, input.id)).returning(publicUser);
      if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `no user ${input.id}` });
      // A new password or a disabled account ends the sessions that exist.
      if (input.password || input.disabled) await db.delete(sessions).where(eq(sessions.userId, input.id));
      await audit(ctx.deps, ctx.principal.username, 'user.update', { type: 'user', id: row.id }, { role: input.role, disabled: input.disabled, passwordChanged: !!input.password });
      return row;
    }),

  /** Your own password; ends your other sessions. */
  changePassword: protectedProcedure.input(z.object({ password })).mutation(async ({ ctx, input }) => {
    if (ctx.principal.userId === null) throw new TRPCError({ code: 'BAD_REQUEST', message: 'the static API token has no password' });
    const { db } = ctx.deps.store;
    await db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(eq(users.id, ctx.principal.userId));
    await db.delete(sessions).where(and(eq(sessions.userId, ctx.principal.userId), ne(sessions.id, ctx.principal.sessionId ?? '')));
    return { ok: true };
  }),
});

export const tokensRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.deps.store.db
      .select({ id: apiTokens.id, name: apiTokens.name, username: users.username, role: users.role, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .orderBy(desc(apiTokens.createdAt)),
  ),

  /** The token is in this answer and nowhere else: only its hash is stored. */
  create: adminProcedure.input(z.object({ name: z.string().trim().min(1).max(100), username: z.string().optional() })).mutation(async ({ ctx, input }) => {
    const { db } = ctx.deps.store;
    const owner = input.username ?? ctx.principal.username;
    const [user] = await db.select({ id: users.id }).from(users).where(and(eq(users.username, owner), isNull(users.disabledAt)));
    if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: `no active user ${owner}` });
    const created = await ctx.deps.auth.createToken(user.id, input.name);
    await audit(ctx.deps, ctx.principal.username, 'token.create', { type: 'token', id: created.id }, { name: input.name, owner });
    return { id: created.id, name: input.name, username: owner, token: created.token };
  }),

  revoke: adminProcedure.input(z.object({ id: z.number().int() })).mutation(async ({ ctx, input }) => {
    if (!(await ctx.deps.auth.revokeToken(input.id))) throw new TRPCError({ code: 'NOT_FOUND', message: `no active token ${input.id}` });
    await audit(ctx.deps, ctx.principal.username, 'token.revoke', { type: 'token', id: input.id });
    return { ok: true };
  }),
});
