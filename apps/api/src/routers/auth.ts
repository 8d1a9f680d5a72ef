import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.ts';

function tooManyFailures(waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const when = new Date(Date.now() + waitMs).toISOString();
  return `too many failed logins from your address; try again in ${seconds} s (after ${when})`;
}

export const authRouter = router({
  login: publicProcedure.input(z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) })).mutation(async ({ ctx, input }) => {
    const { auth, loginLimiter } = ctx.deps;
    const wait = await loginLimiter.waitFor(ctx.clientIp, input.username);
    if (wait > 0) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: tooManyFailures(wait) });
    const result = await auth.login(input.username, input.password);
    if (!result) {
      await loginLimiter.fail(ctx.clientIp, input.username);
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
    }
    await loginLimiter.succeed(ctx.clientIp, input.username);
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
