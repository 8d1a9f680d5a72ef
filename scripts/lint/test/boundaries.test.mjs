// Proves the boundary rules bite: a throw-away tree with the repo's dependency-cruiser config and
// one deliberate upward import (or cycle) per case must fail lint, and a clean tree must pass.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const dirs = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A tree shaped like the repo: files given as path -> source. */
function cruise(files) {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-lint-'));
  dirs.push(dir);
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  copyFileSync(join(ROOT, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  const base = {
    'packages/core/src/index.ts': 'export const one = 1;\n',
    'packages/plugin-sdk/src/index.ts': "export { one } from '../../core/src/index.ts';\n",
    'packages/db/src/index.ts': "import { one } from '../../core/src/index.ts';\nexport const two = one + 1;\n",
    'apps/api/src/root.ts': 'export type AppRouter = { ok: true };\nexport const serve = () => 1;\n',
    'apps/worker/src/main.ts': "import { two } from '../../../packages/db/src/index.ts';\nexport const w = two;\n",
    'plugins/collector-x/src/index.ts': "import { one } from '../../../packages/plugin-sdk/src/index.ts';\nexport default one;\n",
  };
  for (const [path, text] of Object.entries({ ...base, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), ['packages', 'plugins', 'apps', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('import boundaries', () => {
  it('pass on a tree that keeps the layers, including a type-only import of the API router type', () => {
    const r = cruise({ 'packages/client/src/index.ts': "export type { AppRouter } from '../../../apps/api/src/root.ts';\n" });
    assert.equal(r.status, 0, r.output);
  });

  const violations = {
    'packages-never-import-apps': { 'packages/db/src/bad.ts': "import { serve } from '../../../apps/api/src/root.ts';\nexport const x = serve();\n" },
    'apps-never-import-another-apps-runtime': { 'apps/worker/src/bad.ts': "import { serve } from '../../api/src/root.ts';\nexport const x = serve();\n" },
    'plugins-only-plugin-sdk': { 'plugins/collector-x/src/bad.ts': "import { two } from '../../../packages/db/src/index.ts';\nexport const x = two;\n" },
    'plugin-sdk-only-on-core': { 'packages/plugin-sdk/src/bad.ts': "import { two } from '../../db/src/index.ts';\nexport const x = two;\n" },
    'core-is-the-bottom': { 'packages/core/src/bad.ts': "import { one } from '../../plugin-sdk/src/index.ts';\nexport const x = one;\n" },
    'no-cycles': {
      'packages/db/src/a.ts': "import { b } from './b.ts';\nexport const a = () => b();\n",
      'packages/db/src/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    },
  };
  for (const [rule, files] of Object.entries(violations)) {
    it(`fail on a deliberate violation of ${rule}`, () => {
      const r = cruise(files);
      assert.notEqual(r.status, 0, `lint passed a tree that breaks ${rule}`);
      assert.match(r.output, new RegExp(`error ${rule}:`));
    });
  }
});
