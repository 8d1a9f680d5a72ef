import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Role } from '@vigia/db';
import { hasRole } from '@vigia/auth';
import { unauthenticatedMessage, type Context } from './context.ts';

const t = initTRPC.context<Context>().create({
  // Pings keep proxies from closing idle live streams; the client reconnects after silence.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // Never ship stack traces to clients.
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues: zod ? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

const requireRole = (role: Role) =>
  t.middleware(({ ctx, next }) => {
    if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: unauthenticatedMessage(ctx.presented) });
    if (!hasRole(ctx.principal, role)) throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${role} role` });
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });

/** Any signed-in user (viewer and up). */
export const protectedProcedure = t.procedure.use(requireRole('viewer'));
/** Acknowledge, resolve, silence. */
export const operatorProcedure = t.procedure.use(requireRole('operator'));
/** Users, tokens, channels. */
export const adminProcedure = t.procedure.use(requireRole('admin'));
