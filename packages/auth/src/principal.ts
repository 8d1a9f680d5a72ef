import type { Role } from '@vigia/db';

/** Who is calling, however they proved it. */
export interface Principal {
  userId: number | null;
  username: string;
  role: Role;
  via: 'session' | 'token' | 'static-token';
  sessionId?: string;
  /** When the session ends (ms), for sessions. */
  expiresAt?: number;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(principal: Principal, needed: Role): boolean {
  return RANK[principal.role] >= RANK[needed];
}
