import type { Role } from '../api/types.ts';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * Whether to offer an action. Only a courtesy: the API checks the role on every call, so a
 * hidden button is never the protection.
 */
export function hasRole(user: { role: string } | null | undefined, role: Role): boolean {
  if (!user) return false;
  return (RANK[user.role as Role] ?? 0) >= RANK[role];
}
