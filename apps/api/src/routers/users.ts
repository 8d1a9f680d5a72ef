import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, apiTokens, sessions, users } from '@vigia/db';
import { hashPassword, type Principal } from '@vigia/auth';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';
import { audit } from '../audit.ts';

const username = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9._@-]+$/, 'letters, digits and . _ @ - only');
const password = z.string().min(10, 'at least 10 characters').max(1000);

/**
 * Passwords change only from a dashboard session: a bearer token is for automation, and whoever
 * holds one (a leaked CI secret) must not be able to turn it into the owner's login.
 */
function requireSession(principal: Principal, what: string): void {
  if (principal.via !== 'session') throw new TRPCError({ code: 'FORBIDDEN', message: `${what} needs a signed-in session (log in with your password); an API token cannot do it` });
}

const publicUser = { id: users.id, username: users.username, role: users.role, email: users.email, createdAt: users.createdAt, disabledAt: users.disabledAt };

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.deps.store.db.select(publicUser).from(users).orderBy(asc(users.username))),

  create: adminProcedure.input(z.object({ username, password, role: z.enum(ROLES), email: z.email().optional() })).mutation(async ({ ctx, input }) => {
    const passwordHash = await hashPassword(input.password);
    const [row] = await ctx.deps.store.db
      .insert(users)
      .values({ username: input.username, passwordHash, role: input.role, email: input.email ?? null })
      .onConflictDoNothing()
      .returning(publicUser);
    if (!row) throw new TRPCError({ code: 'CONFLICT', message: `user ${input.username} exists` });
    await audit(ctx.deps, ctx.principal.username, 'user.create', { type: 'user', id: row.id }, { username: row.username, role: row.role });
    return row;
  }),

  update: adminProcedure
    .input(z.object({ id: z.number().int(), role: z.enum(ROLES).optional(), password: password.optional(), disabled: z.boolean().optional(), email: z.email().nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.deps.store;
      if (input.password) {
        requireSession(ctx.principal, 'resetting a password');
        if (input.id === ctx.principal.userId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'change your own password with your current one (users.changePassword), not as a reset' });
      }
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

  /** Your own password, proven by the current one, from a session; ends your other sessions. */
  changePassword: protectedProcedure
    // Before the input is read: a token is refused whatever it sends.
    .use(({ ctx, next }) => {
      requireSession(ctx.principal, 'changing your password');
      return next();
    })
    .input(z.object({ currentPassword: z.string().min(1, 'give your current password').max(1000), password }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId!;
      const { auth, loginLimiter, store } = ctx.deps;
      // A wrong current password is a failed login: an open session must not become a way to guess it.
      const wait = await loginLimiter.waitFor(ctx.clientIp, ctx.principal.username);
      if (wait > 0) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many wrong passwords; try again in ${Math.ceil(wait / 1000)} s` });
      if (!(await auth.passwordMatches(userId, input.currentPassword))) {
        await loginLimiter.fail(ctx.clientIp, ctx.principal.username);
        throw new TRPCError({ code: 'FORBIDDEN', message: 'the current password is wrong' });
      }
      await store.db
        .update(users)
        .set({ passwordHash: await hashPassword(input.password) })
        .where(eq(users.id, userId));
      await store.db.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.id, ctx.principal.sessionId ?? '')));
      await audit(ctx.deps, ctx.principal.username, 'user.password', { type: 'user', id: userId });
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
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.username, owner), isNull(users.disabledAt)));
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
