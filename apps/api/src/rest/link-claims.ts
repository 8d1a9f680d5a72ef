import { createHash } from 'node:crypto';
import type { ApiDeps } from '../deps.ts';

export interface LinkClaim {
  /** Gives the link back when its action did not happen, so the recipient can try again. */
  release(): Promise<void>;
}

// The key holds a hash: the token itself acts on an alert until it expires and has no business in Redis.
const claimKey = (deps: ApiDeps, token: string) => `${deps.keys.prefix}:link-used:${createHash('sha256').update(token).digest('base64url')}`;

/**
 * A link acts once, whichever API process answers it: the first POST claims the token in Redis
 * (SET NX), and the claim lives exactly as long as the link could still be used. Null: already used.
 */
export async function claimLink(deps: ApiDeps, token: string, expiresAt: number): Promise<LinkClaim | null> {
  const key = claimKey(deps, token);
  const claimed = await deps.redis.set(key, String(Date.now()), 'PX', Math.max(1, expiresAt - Date.now()), 'NX');
  if (!claimed) return null;
  return {
    async release() {
      await deps.redis.del(key);
    },
  };
}

export async function linkUsed(deps: ApiDeps, token: string): Promise<boolean> {
  return (await deps.redis.exists(claimKey(deps, token))) === 1;
}
