// `npm test`: every check, in the order that fails fastest, each run even when an earlier one
// failed (one red step should not hide another), and a summary of what took how long.
import { spawnSync } from 'node:child_process';

const steps = [
  // Layer boundaries, cycles, workspace manifests, ESLint and formatting; then proof the boundary rules bite.
  ['lint', 'npm run lint'],
  ['lint rules', 'npm run lint:test'],
  ['build', 'npx turbo run build'],
  ['typecheck', 'npm run typecheck'],
  // Package tests use their own queue names, key prefixes and schemas, so two run side by side.
  ['unit tests', 'npx turbo run test --filter=!@vigia/e2e --concurrency=2 --continue'],
  // Whole-system tests start their own API and worker processes: one file at a time (see e2e/vitest.config.ts).
  ['whole-system tests', 'npm run test -w @vigia/e2e'],
];

const results = [];
for (const [name, command] of steps) {
  console.log(`\n== ${name}: ${command}`);
  const started = Date.now();
  const { status } = spawnSync(command, { stdio: 'inherit', shell: true });
  results.push({ name, ok: status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log('\n== summary');
for (const r of results) console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.name} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
