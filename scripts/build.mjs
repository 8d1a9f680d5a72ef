// Builds what `npm start` runs: the dashboard (Vite), one bundle per app (esbuild: Vigia's own
// TypeScript inlined, npm packages left to node_modules), every TypeScript plugin under
// plugins/ and the empty embedded database (dist/pglite-template). Plain JavaScript, so it runs before anything is compiled. Skips what is up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { templateStale } from './pglite-template.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const APPS = { all: 'scripts/all-in-one.ts', api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' };
const SOURCES = ['apps/api/src', 'apps/worker/src', 'packages', 'scripts', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'test', '.turbo'].includes(entry.name)) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** Bare imports other than Vigia's own workspaces stay imports, resolved from node_modules at run time. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@vigia/') ? undefined : { external: true }));
  },
};

async function bundle(esbuild, entry, outfile) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile,
    // Beside the bundle, not inline: V8 keeps a module's whole source text in the heap, and an
    // inline map tripled all.mjs there (about 5 MB of `npm start`'s RSS for a map nothing reads
    // unless a debugger or --enable-source-maps asks, which still find it through the link).
    sourcemap: 'linked',
    plugins: [npmPackagesExternal],
    logLevel: 'error',
  });
  // Several processes may start (and build) at once: each file appears whole or not at all, the
  // map before the bundle that links to it.
  mkdirSync(dirname(outfile), { recursive: true });
  const files = [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1));
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

function typescriptPlugins() {
  const dir = join(ROOT, 'plugins');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'package.json')))
    .map((e) => ({ dir: join(dir, e.name), pkg: JSON.parse(readFileSync(join(dir, e.name, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => pkg.vigia?.type && typeof pkg.main === 'string' && pkg.main.endsWith('.ts'));
}

function buildDashboard(log) {
  const index = join(ROOT, 'apps/web/dist/index.html');
  if (mtime(index) >= newest(join(ROOT, 'apps/web'))) return;
  log('building the dashboard…');
  const result = spawnSync('npm', ['run', 'build', '--workspace', '@vigia/web'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('the dashboard build failed (see above)');
}

/** The empty database a fresh PGlite data dir is copied from, made in a child process (see pglite-template.mjs). */
function buildPgliteTemplate(log) {
  if (!templateStale(ROOT)) return;
  log('creating the empty embedded database…');
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/pglite-template.mjs'), ROOT], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('creating the embedded database template failed (see above)');
}

/** Builds what is older than its sources; `apps` limits which app bundles (and whether the dashboard) are needed. */
export async function build({ apps = Object.keys(APPS), dashboard = true, force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const sourcesChanged = Math.max(...SOURCES.map((s) => newest(join(ROOT, s))));
  const stale = apps.filter((app) => force || mtime(join(ROOT, 'dist', `${app}.mjs`)) < sourcesChanged);
  const plugins = typescriptPlugins().filter(({ dir }) => force || mtime(join(dir, 'dist/index.js')) < Math.max(newest(join(dir, 'src')), newest(join(ROOT, 'packages/plugin-sdk/src'))));
  if (stale.length || plugins.length) {
    const started = Date.now();
    const esbuild = await import('esbuild');
    try {
      await Promise.all([
        ...stale.map((app) => bundle(esbuild, APPS[app], join(ROOT, 'dist', `${app}.mjs`))),
        ...plugins.map(({ dir, pkg }) => bundle(esbuild, relative(ROOT, join(dir, pkg.main)), join(dir, 'dist/index.js'))),
      ]);
    } finally {
      // esbuild's service process (about 30 MB) would otherwise live as long as Vigia, which
      // runs in this same process after the build.
      await esbuild.stop();
    }
    log(`built ${[...stale, ...plugins.map((p) => relative(ROOT, p.dir))].join(', ')} in ${Date.now() - started} ms`);
  }
  if (dashboard) buildDashboard(log);
  // Not under `force`: it depends on the PGlite version only, and takes seconds.
  buildPgliteTemplate(log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await build({ force: process.argv.includes('--force') });
}
