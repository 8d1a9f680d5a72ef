import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type Principal } from '@vigia/auth';
import type { ApiDeps } from './deps.ts';

export interface Context {
  deps: ApiDeps;
  principal: Principal | null;
  /** What the request offered to prove who it is, so a refusal can say what was wrong with it. */
  presented: Credentials;
  clientIp: string;
  /** Sets or clears the session cookie (login / logout). */
  setSessionCookie(value: string | null, expiresAt?: Date): void;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export type Credentials = 'token' | 'session' | null;

export function presentedCredentials(req: FastifyRequest): Credentials {
  if (bearerToken(req.headers.authorization)) return 'token';
  return req.cookies[SESSION_COOKIE] ? 'session' : null;
}

/**
 * Why a request without a principal is refused: someone whose token is wrong needs to hear that
 * (not to be told to send one), and someone whose session ended, that they must log in again.
 */
export function unauthenticatedMessage(presented: Credentials): string {
  if (presented === 'token') return 'the token is not valid (unknown, revoked, or its user is disabled)';
  if (presented === 'session') return 'your session has ended; log in again';
  return 'log in or send a bearer token';
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
    presented: presentedCredentials(req),
    clientIp: req.ip,
    setSessionCookie(value, expiresAt) {
      if (value === null) res.clearCookie(SESSION_COOKIE, { path: '/' });
      else res.setCookie(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
    },
  };
}
