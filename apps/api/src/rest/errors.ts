import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyReply } from 'fastify';
import { ZodError } from 'zod';

/** REST answers errors as `{ error, issues? }` with the status tRPC would use. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ZodError) {
    return reply.code(400).send({ error: 'invalid request', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  if (error instanceof TRPCError) {
    const cause = error.cause instanceof ZodError ? error.cause : null;
    const status = getHTTPStatusCodeFromError(error);
    if (status >= 500) reply.log.error(error);
    return reply.code(status).send({ error: cause ? 'invalid request' : error.message, issues: cause?.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  reply.log.error(error);
  return reply.code(500).send({ error: 'internal error' });
}
