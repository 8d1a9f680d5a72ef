// `npm start` (all), `npm run start:api`, `npm run start:worker`: build what is stale, then run the
// bundle in this same process, so signals reach Vigia directly.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { build, ROOT } from './build.mjs';

// Vigia idles between small bursts of work, so V8's default heap growth let old space fill with
// garbage until the memory reducer ran, a minute or more after the start (`npm start`: RSS 208
// -> 222 MB, then 184 MB). Sized for memory, the heap stays near what it holds: 179-187 MB over
// the same two minutes, at the same CPU (252 against 247 clock ticks in 100 s, side by side). Set
// here, not on the command line, so `node scripts/run.mjs` in a unit file or image gets it too.
// Only for `npm start`, the one-process install: separate API and worker processes are the
// ingest tier, and there the small young generation collected so often that decoding, checking
// and writing a pushed sample took 19-27 µs instead of 7-12 µs (478 scavenges and 49
// mark-compacts against 140 and 3 for the same remote_write load). Without it the idle worker
// still stays within its budget (`npm run bench -- worker`: RSS max 110.7 MB).
const app = process.argv[2] ?? 'all';
if (!['all', 'api', 'worker'].includes(app)) {
  process.stderr.write(`usage: node scripts/run.mjs [all|api|worker]\n`);
  process.exit(2);
}
if (app === 'all') setFlagsFromString('--optimize-for-size');
// Most of Vigia's code runs once a second or less, and with V8's default budget much of it still
// reached TurboFan minutes after the start: optimising compiles on V8's helper threads were a
// quarter of the idle process' CPU (perf, 30 s, `npm start` with the system collector at 1 s).
// Ten times the budget leaves TurboFan the code that is really hot (a push or a remote_write
// batch reaches it within milliseconds) and the rest to the baseline compiler. Measured with
// `npm run bench -- footprint`, every stack in the same windows: `npm start` 1.08 % CPU against
// 1.52 % with the default, split API + worker 0.83 % against 1.27 %, RSS 171 against 187 MB.
setFlagsFromString('--interrupt-budget=675840');
try {
  // Images build everything at build time and run read-only: VIGIA_PREBUILT skips the check.
  if (process.env.VIGIA_PREBUILT !== '1') await build({ apps: [app], dashboard: app !== 'worker' });
} catch (error) {
  process.stderr.write(`\nvigia cannot start: ${error.message}\n\n`);
  process.exit(1);
}
await import(pathToFileURL(join(ROOT, 'dist', `${app}.mjs`)).href);
