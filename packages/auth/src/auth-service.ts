import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiTokens, sessions, users, type Database, type Role } from '@vigia/db';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { Principal } from './principal.ts';

export const SESSION_COOKIE = 'vigia_session';
export const TOKEN_PREFIX = 'vgt_';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthOptions {
  secretKey: string;
  sessionTtlMs: number;
  /** API_TOKEN: a static admin token for automation. */
  staticToken?: string;
}

/** Users, sessions (signed cookie over a server-side session row) and revocable API tokens. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly options: AuthOptions,
  ) {}

  private sign(value: string): string {
    return createHmac('sha256', this.options.secretKey).update(value).digest('base64url');
  }

  async createUser(username: string, password: string, role: Role): Promise<{ id: number; created: boolean }> {
    const passwordHash = await hashPassword(password);
    const rows = await this.db.insert(users).values({ username, passwordHash, role }).onConflictDoNothing().returning({ id: users.id });
    if (rows[0]) return { id: rows[0].id, created: true };
    const existing = await this.db.select({ id: users.id }).from(users).where(eq(users.username, username));
    return { id: existing[0]!.id, created: false };
  }

  async countUsers(): Promise<number> {
    return (await this.db.select({ id: users.id }).from(users).limit(1)).length;
  }

  /** Checks a password and opens a session; returns the cookie value, or null when the pair is wrong. */
  async login(username: string, password: string): Promise<{ cookie: string; principal: Principal; expiresAt: Date } | null> {
    const [user] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.username, username), isNull(users.disabledAt)));
    // Verify against a dummy hash when the user does not exist, so timing does not reveal usernames.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    if (!user || !ok) return null;
    const id = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
    await this.db.insert(sessions).values({ id, userId: user.id, expiresAt });
    return { cookie: `${id}.${this.sign(id)}`, principal: { userId: user.id, username: user.username, role: user.role, via: 'session', sessionId: id, expiresAt: expiresAt.getTime() }, expiresAt };
  }

  /** Whether this is the active user's password (for changing it: a session alone must not be enough). */
  async passwordMatches(userId: number, password: string): Promise<boolean> {
    const [user] = await this.db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.disabledAt)));
    return !!user && (await verifyPassword(password, user.passwordHash));
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  async fromCookie(cookie: string | undefined): Promise<Principal | null> {
    if (!cookie) return null;
    const dot = cookie.lastIndexOf('.');
    if (dot <= 0) return null;
    const id = cookie.slice(0, dot);
    if (!safeEqual(cookie.slice(dot + 1), this.sign(id))) return null;
    const [row] = await this.db
      .select({ userId: users.id, username: users.username, role: users.role, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)));
    return row ? { userId: row.userId, username: row.username, role: row.role, via: 'session', sessionId: id, expiresAt: row.expiresAt.getTime() } : null;
  }

  async fromBearer(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    if (this.options.staticToken && safeEqual(token, this.options.staticToken)) {
      return { userId: null, username: 'api-token', role: 'admin', via: 'static-token' };
    }
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const [row] = await this.db
      .select({ tokenId: apiTokens.id, userId: users.id, username: users.username, role: users.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
    if (!row) return null;
    void this.db
      .update(apiTokens)
      .set({ lastUsedAt: new Date() })
      .where(eq(apiTokens.id, row.tokenId))
      .catch(() => {});
    return { userId: row.userId, username: row.username, role: row.role, via: 'token' };
  }

  /** Creates a token for a user; the token is returned once and only its hash is stored. */
  async createToken(userId: number, name: string): Promise<{ id: number; token: string }> {
    const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    const [row] = await this.db
      .insert(apiTokens)
      .values({ name, userId, tokenHash: sha256(token) })
      .returning({ id: apiTokens.id });
    return { id: row!.id, token };
  }

  async revokeToken(id: number): Promise<boolean> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }
}
