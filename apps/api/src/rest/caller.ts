import { TRPCError } from '@trpc/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createContext, unauthenticatedMessage } from '../context.ts';
import type { ApiDeps } from '../deps.ts';
import { createCaller } from '../root.ts';

/** A server-side caller of the tRPC router for one REST request; auth rules are the router's. */
export async function callerFor(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply) {
  const ctx = await createContext(deps, req, reply);
  if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: unauthenticatedMessage(ctx.presented) });
  return createCaller(ctx);
}
