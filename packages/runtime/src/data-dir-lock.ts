import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FatalError } from './fatal.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded PGlite database serves one process. Two processes opening it would corrupt it, so
 * the second one is refused with the way out (one `npm start`, or a PostgreSQL for the split).
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'pglite.pid');
  try {
    const holder = Number(readFileSync(file, 'utf8'));
    if (holder && holder !== process.pid && alive(holder)) {
      throw new FatalError(
        `the embedded database in ${dataDir} is in use by process ${holder}. Run a single \`npm start\`, or set DATABASE_URL to a PostgreSQL server to run the API and workers as separate processes.`,
      );
    }
  } catch (error) {
    if (error instanceof FatalError) throw error;
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}
