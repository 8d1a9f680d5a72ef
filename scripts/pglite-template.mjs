// Creates the empty embedded database that a fresh data dir starts from (dist/pglite-template).
// PGlite's initdb runs a second PostgreSQL instance beside the first and snapshots its whole heap
// (about 650 MB resident at its peak), and glibc keeps much of that after it ends: done inside
// Vigia, the first start peaked above 700 MB and stayed ~110 MB larger for good. Here it runs
// once per PGlite version, at build time, in a process that exits. Plain JavaScript, run by
// scripts/build.mjs before anything is compiled.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The template and the PGlite version it was made by, beside it. */
export const TEMPLATE_DIR = 'dist/pglite-template';
const VERSION_FILE = 'dist/pglite-template.version';

function installedVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
}

/** True when the template is missing or was made by another PGlite version. */
export function templateStale(root) {
  if (!existsSync(join(root, TEMPLATE_DIR, 'PG_VERSION')) || !existsSync(join(root, VERSION_FILE))) return true;
  return readFileSync(join(root, VERSION_FILE), 'utf8').trim() !== installedVersion(root);
}

/** Runs initdb into a temporary directory and swaps it in whole (several starts may build at once). */
async function createTemplate(root) {
  const { PGlite } = await import('@electric-sql/pglite');
  const target = join(root, TEMPLATE_DIR);
  const temp = `${target}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  const db = await PGlite.create({ dataDir: temp });
  await db.close();
  rmSync(target, { recursive: true, force: true });
  renameSync(temp, target);
  writeFileSync(join(root, VERSION_FILE), `${installedVersion(root)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await createTemplate(process.argv[2]);
}
