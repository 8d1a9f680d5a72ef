import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const { auth, loginLimiter } = ctx.deps;
      const keys = [`ip:${ctx.clientIp}`, `user:${input.username.toLowerCase()}`];
      const wait = loginLimiter.blockedFor(keys);
      if (wait > 0) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many failed logins; try again in ${Math.ceil(wait / 1000)} s` });
      const result = await auth.login(input.username, input.password);
      if (!result) {
        loginLimiter.fail(keys);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
      }
      loginLimiter.succeed(keys);
      ctx.setSessionCookie(result.cookie, result.expiresAt);
      return { username: result.principal.username, role: result.principal.role, expiresAt: result.expiresAt.getTime() };
    }),

  /** Always succeeds, so a client whose session already expired can still clear its cookie. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal?.sessionId) await ctx.deps.auth.logout(ctx.principal.sessionId);
    ctx.setSessionCookie(null);
    return { ok: true };
  }),

  me: publicProcedure.query(({ ctx }) =>
    ctx.principal ? { userId: ctx.principal.userId, username: ctx.principal.username, role: ctx.principal.role, via: ctx.principal.via, expiresAt: ctx.principal.expiresAt ?? null } : null,
  ),
});
