import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { generateRouterTypes } from './router-types.ts';

// `npm run build`: dist/ as an installed package sees it. The router's types are generated first
// and compiled against, then ship as dist/router.d.ts in place of the re-export of @vigia/api.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, '.build/app-router.d.ts');
const dist = join(root, 'dist');

mkdirSync(dirname(generated), { recursive: true });
writeFileSync(generated, generateRouterTypes().text);

rmSync(dist, { recursive: true, force: true });
const configPath = join(root, 'tsconfig.build.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
if (!config) throw new Error(`cannot read ${configPath}`);
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
const result = program.emit();
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
if (diagnostics.length) {
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}

copyFileSync(generated, join(dist, 'router.d.ts'));
for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts'))) {
  if (/from ['"]@vigia\//.test(readFileSync(join(dist, file), 'utf8'))) throw new Error(`dist/${file} still imports a @vigia package, which an installed client cannot resolve`);
}
process.stdout.write(`built ${dist}\n`);
