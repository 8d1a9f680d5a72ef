import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRouterTypes } from '../scripts/router-types.ts';

const generated = generateRouterTypes();
// Inside the package so @trpc/server resolves from the workspace, as it will from an install.
const dir = join(dirname(fileURLToPath(import.meta.url)), '../.build/router-types-test');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const program = ts.createProgram({
    rootNames: Object.keys(files).map((f) => join(dir, f)),
    options: {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: false,
    },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the generated router types', () => {
  it('stand alone: no @vigia package, no absolute import paths', () => {
    expect(generated.text).not.toMatch(/from '@vigia\//);
    expect(generated.text).not.toMatch(/import\(/);
    expect(generated.text).toMatch(/^import type \{[^}]+\} from '@trpc\/server';$/m);
  });

  it('hold every procedure of the API with its kind', () => {
    expect(generated.procedures).toMatchObject({
      'auth.login': 'mutation',
      'metrics.current': 'query',
      'metrics.history': 'query',
      'metrics.live': 'subscription',
      'system.info': 'query',
    });
  });

  it('type a tRPC client: outputs, inputs and live events, and reject wrong calls', () => {
    const consumer = `
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './router.js';
const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:1/trpc' })] });
export async function use(): Promise<number> {
  const current = await client.metrics.current.query({ name: 'cpu_usage' });
  const value: number = current.metrics[0]!.value;
  const history = await client.metrics.history.query({ name: 'cpu_usage', maxPoints: 10 });
  const resolution: 'raw' | '1m' | '1h' = history.resolution;
  client.metrics.live.subscribe({ names: ['cpu_usage'] }, { onData: (e) => { const id: string = e.id; const v: number = e.data.samples[0]!.value; void id; void v; } });
  // @ts-expect-error history needs a name
  await client.metrics.history.query({});
  // @ts-expect-error there is no such procedure
  await client.metrics.nope.query();
  // @ts-expect-error a value is a number
  const wrong: string = current.metrics[0]!.value;
  void wrong; void resolution;
  return value;
}
`;
    expect(compile({ 'router.d.ts': generated.text, 'consumer.ts': consumer })).toEqual([]);
  });
});
