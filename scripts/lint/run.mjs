// `npm run lint`: every check runs, then the run fails if any failed, so one report shows all.
// `npm run lint -- boundaries` (or eslint, workspace, format) runs just the named checks.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name) => join(ROOT, 'node_modules/.bin', name);

// The layers in docs/architecture.md, checked on the source folders (e2e and bench are harnesses
// that start whole apps, so they are outside the layering).
export const BOUNDARY_DIRS = ['packages', 'plugins', 'apps'];

const CHECKS = {
  boundaries: [bin('depcruise'), ...BOUNDARY_DIRS, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
  // Exception: root-package-dependencies. tsx and esbuild stay dependencies of the root package:
  // `npm start` runs through them in an install without devDependencies (the Dockerfile's).
  workspace: [bin('sherif'), '-r', 'root-package-dependencies'],
  eslint: [bin('eslint'), '--max-warnings=0', '.'],
  format: [bin('prettier'), '--check', '--log-level=warn', '.'],
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) if (!(name in CHECKS)) throw new Error(`unknown lint check "${name}"; the checks are: ${Object.keys(CHECKS).join(', ')}`);
const failed = [];
for (const [name, [cmd, ...args]] of Object.entries(CHECKS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`lint: ${name}`);
  const run = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`lint failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('lint: all checks passed');
