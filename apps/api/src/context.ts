import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type Principal } from '@vigia/auth';
import type { ApiDeps } from './deps.ts';

export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  clientIp: string;
  /** Sets or clears the session cookie (login / logout). */
  setSessionCookie(value: string | null, expiresAt?: Date): void;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export async function authenticate(deps: ApiDeps, req: FastifyRequest): Promise<Principal | null> {
  const token = bearerToken(req.headers.authorization);
  if (token) return deps.auth.fromBearer(token);
  return deps.auth.fromCookie(req.cookies[SESSION_COOKIE]);
}

export async function createContext(deps: ApiDeps, req: FastifyRequest, res: FastifyReply): Promise<Context> {
  const secure = deps.config.server.publicUrl.startsWith('https:');
  return {
    deps,
    principal: await authenticate(deps, req),
    clientIp: req.ip,
    setSessionCookie(value, expiresAt) {
      if (value === null) res.clearCookie(SESSION_COOKIE, { path: '/' });
      else res.setCookie(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
    },
  };
}
