import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@vigia/core';
import type { AuthService } from './auth-service.ts';
import { generatePassword } from './passwords.ts';

/** SECRET_KEY, or one generated once and kept in the data dir (set SECRET_KEY when several API processes share a database). */
export function resolveSecretKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process of this install created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The first start creates the admin: with ADMIN_PASSWORD when given, otherwise with a generated
 * password printed once to the terminal (never to the log).
 */
export async function ensureAdmin(auth: AuthService, username: string, password: string | undefined, logger: Logger, print: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  if ((await auth.countUsers()) > 0) return;
  const chosen = password ?? generatePassword();
  const { created } = await auth.createUser(username, chosen, 'admin');
  if (!created) return;
  logger.info('created the admin user', { username });
  if (!password) {
    print(`\n  First start: created the admin user.\n    username: ${username}\n    password: ${chosen}\n  Keep it now; it is not shown again (set ADMIN_PASSWORD to choose it yourself).\n\n`);
  }
}
