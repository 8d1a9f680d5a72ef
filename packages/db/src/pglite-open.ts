import { cpSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs PostgreSQL inside one WebAssembly memory that grows and never shrinks, with the
 * server defaults: shared_buffers alone is 128 MB of it. Vigia's embedded database serves one
 * process and small queries; 16 MB of buffers keeps the process ~125 MB smaller (measured with
 * `npm run bench -- footprint`) and a history read still fits (work_mem stays 4 MB).
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'temp_buffers=2MB', '-c', 'maintenance_work_mem=16MB'];

/** Where scripts/pglite-template.mjs puts the empty database at build time, under the install's root. */
const TEMPLATE = join('dist', 'pglite-template');

/** The nearest template up from here (this code runs from its source and bundled into dist/). */
function findTemplate(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, TEMPLATE, 'PG_VERSION'))) return join(dir, TEMPLATE);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A fresh (empty) data dir becomes a copy of the build's template, so initdb does not run in this
 * process: it peaks above 700 MB and leaves ~110 MB behind in the allocator (see the script).
 * Copied beside it and renamed, so a start killed mid-copy leaves no half database.
 */
function seedFromTemplate(dir: string): boolean {
  const template = findTemplate(dirname(fileURLToPath(import.meta.url)));
  if (!template || readdirSync(dir).length) return false;
  const temp = `${dir}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  cpSync(template, temp, { recursive: true });
  rmSync(dir, { recursive: true });
  renameSync(temp, dir);
  return true;
}

let baselineCompilerOnly = false;

/**
 * PGlite's 9 MB of WebAssembly compiled by TurboFan costs ~50 MB of resident memory (code and the
 * compiler's allocations on V8's background threads, which glibc keeps); Liftoff alone, the
 * baseline compiler, skips that. Vigia's embedded queries are few and small, so the slower code
 * costs nothing measurable (`npm run bench -- footprint`), and start-up compiles less. Set before
 * PGlite's module is compiled; it is the process's only large WebAssembly.
 */
function useBaselineWasmCompiler(): void {
  if (baselineCompilerOnly) return;
  setFlagsFromString('--liftoff-only');
  baselineCompilerOnly = true;
}

/**
 * Opens (creating if needed) the embedded database under `dir`, or in memory without one.
 * Without a template (a source checkout not yet built), a fresh directory is initialised here by
 * a second PGlite instance whose memory the first one keeps reachable (about 500 MB more for as
 * long as it runs), so after that initdb the instance is closed and the database opened again.
 */
export async function openPgliteClient(dir: string | undefined): Promise<PGlite> {
  useBaselineWasmCompiler();
  const { PGlite } = await import('@electric-sql/pglite');
  const options = { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] };
  if (!dir) return PGlite.create(options);
  const fresh = !existsSync(join(dir, 'PG_VERSION')) && !seedFromTemplate(dir);
  const client = await PGlite.create({ ...options, dataDir: dir });
  if (!fresh) return client;
  await client.close();
  return PGlite.create({ ...options, dataDir: dir });
}
