// `npm start` (all), `npm run start:api`, `npm run start:worker`: build what is stale, then run the
// bundle in this same process, so signals reach Vigia directly.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, ROOT } from './build.mjs';

const app = process.argv[2] ?? 'all';
if (!['all', 'api', 'worker'].includes(app)) {
  process.stderr.write(`usage: node scripts/run.mjs [all|api|worker]\n`);
  process.exit(2);
}
try {
  // Images build everything at build time and run read-only: VIGIA_PREBUILT skips the check.
  if (process.env.VIGIA_PREBUILT !== '1') await build({ apps: [app], dashboard: app !== 'worker' });
} catch (error) {
  process.stderr.write(`\nvigia cannot start: ${error.message}\n\n`);
  process.exit(1);
}
await import(pathToFileURL(join(ROOT, 'dist', `${app}.mjs`)).href);
