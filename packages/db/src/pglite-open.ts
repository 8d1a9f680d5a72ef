import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs PostgreSQL inside one WebAssembly memory that grows and never shrinks, with the
 * server defaults: shared_buffers alone is 128 MB of it. Vigia's embedded database serves one
 * process and small queries; 16 MB of buffers keeps the process ~125 MB smaller (measured with
 * `npm run bench -- footprint`) and a history read still fits (work_mem stays 4 MB).
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'temp_buffers=2MB', '-c', 'maintenance_work_mem=16MB'];

/**
 * Opens (creating if needed) the embedded database under `dir`, or in memory without one.
 * A fresh directory is initialised by a second PGlite instance whose memory the first one keeps
 * reachable (about 500 MB more for as long as it runs), so after an initdb the instance is
 * closed and the database opened again.
 */
export async function openPgliteClient(dir: string | undefined): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const options = { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] };
  if (!dir) return PGlite.create(options);
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  const client = await PGlite.create({ ...options, dataDir: dir });
  if (!fresh) return client;
  await client.close();
  return PGlite.create({ ...options, dataDir: dir });
}
