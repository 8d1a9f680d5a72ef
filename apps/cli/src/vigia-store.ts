import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { REPO_ROOT, readEnv, type Env } from '@vigia/config';
import { openStore, type Store } from '@vigia/db';
import { AuthService } from '@vigia/auth';
import { FatalError, lockDataDir } from '@vigia/runtime';
import { describeError } from './describe-error.ts';
import { CommandError } from './errors.ts';

export interface VigiaStore {
  store: Store;
  auth: AuthService;
}

/**
 * Vigia's own database, found the way the API and worker find it (DATABASE_URL, else the embedded
 * PGlite under VIGIA_DATA_DIR). The configuration file is not read: a broken monitoring.yaml must
 * not stand between an operator and a new token.
 */
export async function withVigiaStore<T>(env: Env, fn: (vigia: VigiaStore) => Promise<T>): Promise<T> {
  const settings = readEnv(env);
  const url = settings.databaseUrl;
  const dataDir = resolve(settings.dataDir ?? join(REPO_ROOT, '.data'));
  let unlock = () => {};
  if (!url) {
    try {
      unlock = lockDataDir(dataDir);
    } catch (error) {
      if (!(error instanceof FatalError)) throw error;
      const holder = /process (\d+)/.exec(error.message)?.[1] ?? 'another process';
      throw new CommandError(
        `Vigia is running on the embedded database in ${dataDir} (process ${holder}, probably \`npm start\`), and that database serves one process at a time.\n` +
          `Stop Vigia and run this command again, or while it runs do the same in the dashboard or through the API (users.create, tokens.create, tokens.revoke).\n` +
          `With DATABASE_URL pointing at a PostgreSQL server the command works next to running processes.`,
      );
    }
  }
  let store: Store;
  try {
    store = await openStore({ url, dataDir });
  } catch (error) {
    unlock();
    throw new CommandError(`cannot open Vigia's database (${url ? 'DATABASE_URL' : `embedded, in ${dataDir}`}): ${describeError(error)}`);
  }
  // Sessions are never opened here, so the cookie-signing key only has to exist.
  const auth = new AuthService(store.db, { secretKey: settings.secretKey ?? randomBytes(32).toString('base64url'), sessionTtlMs: 0 });
  try {
    return await fn({ store, auth });
  } finally {
    await store.close();
    unlock();
  }
}
