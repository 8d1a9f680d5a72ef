import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { startStack, type Stack } from '../src/index.ts';

// @vigia/client as an application gets it: built, packed, installed from the tarball into a
// project outside the monorepo, then used from plain JavaScript and type-checked from TypeScript.
// Everything runs as child processes (never a sync call: the Vigia under test runs in this process).
const run = promisify(execFile);
const CLIENT_DIR = join(REPO_ROOT, 'packages/client');

const LIVE_SCRIPT = `
import { createVigiaClient, isTRPCClientError } from '@vigia/client';

const client = createVigiaClient({ url: process.env.VIGIA_URL, token: process.env.VIGIA_TOKEN });

let cpu;
for (const deadline = Date.now() + 20_000; !cpu && Date.now() < deadline; ) {
  const current = await client.metrics.current.query({ name: 'cpu_usage' });
  cpu = current.metrics.find((m) => m.name === 'cpu_usage');
  if (!cpu) await new Promise((r) => setTimeout(r, 200));
}

const live = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('no live batch within 20 s')), 20_000);
  const subscription = client.metrics.live.subscribe({ names: ['cpu_usage'] }, {
    onData(event) {
      clearTimeout(timer);
      subscription.unsubscribe();
      resolve(event);
    },
    onError(error) {
      clearTimeout(timer);
      reject(error);
    },
  });
});

const pushed = await client.metrics.push.mutate({ samples: [{ name: 'orders_shipped', value: 151, labels: { region: 'sul' } }, { name: 'orders_shipped' }] });
const readBack = (await client.metrics.current.query({ name: 'orders_shipped' })).metrics;

let denied = 'no error';
try {
  await createVigiaClient({ url: process.env.VIGIA_URL, token: 'not-a-token' }).metrics.current.query();
} catch (error) {
  denied = isTRPCClientError(error) ? error.data?.code : String(error);
}

console.log(JSON.stringify({ cpu, live: { id: live.id, samples: live.data.samples }, pushed, readBack, denied }));
`;

const TYPED_CONSUMER = `
import { createVigiaClient, type AppRouter, type inferRouterOutputs } from '@vigia/client';

type Current = inferRouterOutputs<AppRouter>['metrics']['current'];

export async function cpu(url: string, token: string): Promise<number | undefined> {
  const vigia = createVigiaClient({ url, token });
  const current: Current = await vigia.metrics.current.query({ name: 'cpu_usage' });
  const history = await vigia.metrics.history.query({ name: 'cpu_usage', maxPoints: 100 });
  const resolution: 'raw' | '1m' | '1h' = history.resolution;
  vigia.metrics.live.subscribe({ names: ['cpu_usage'] }, {
    onData: ({ id, data }) => console.log(id.length, data.samples.map((s) => s.value.toFixed(1))),
  });
  const pushed = await vigia.metrics.push.mutate({ samples: [{ name: 'orders_shipped', value: 151 }] });
  const accepted: number = pushed.accepted;
  vigia.alerts.live.subscribe(undefined, {
    onData: ({ data }) => console.log(data.rule.toUpperCase(), data.severity, data.value?.toFixed(2)),
  });
  void accepted;
  // @ts-expect-error the history of what? (a name is required)
  await vigia.metrics.history.query({ maxPoints: 100 });
  // @ts-expect-error no such procedure
  await vigia.metrics.nothingHere.query();
  // @ts-expect-error values are numbers
  const text: string = current.metrics[0]!.value;
  void text;
  void resolution;
  return current.metrics[0]?.value;
}
`;

describe('@vigia/client, installed from its tarball outside the monorepo', () => {
  const project = mkdtempSync(join(tmpdir(), 'vigia-client-consumer-'));
  let stack: Stack;

  beforeAll(async () => {
    await run('npm', ['run', 'build', '--workspace', '@vigia/client'], { cwd: REPO_ROOT });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: CLIENT_DIR });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'vigia-client-consumer', private: true, type: 'module', dependencies: { '@vigia/client': `file:./${filename}` }, devDependencies: { typescript: '~6.0.3' } }, null, 2),
    );
    // Tarballs come from the npm cache the monorepo's install filled; `npm ci` caches no package
    // metadata, so that part may still need the registry.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`npm install of the packed client failed:\n${error.stderr ?? error.message}`);
    });
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  it('ships built JavaScript and declarations that need nothing of the server', () => {
    const installed = join(project, 'node_modules/@vigia/client');
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['index.d.ts', 'index.js', 'router.d.ts', 'router.js']);
    expect(existsSync(join(project, 'node_modules/@vigia/api'))).toBe(false);
    for (const file of ['index.d.ts', 'router.d.ts']) expect(readFileSync(join(installed, 'dist', file), 'utf8'), file).not.toMatch(/from ['"]@vigia\//);
  });

  it('reads, follows and pushes metrics against a running Vigia (Node 20, no global EventSource)', async () => {
    writeFileSync(join(project, 'live.mjs'), LIVE_SCRIPT);
    const { stdout } = await run(process.execPath, ['live.mjs'], { cwd: project, timeout: 60_000, env: { ...process.env, VIGIA_URL: stack.url, VIGIA_TOKEN: stack.apiToken } });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      cpu: { name: string; value: number; unit: string };
      live: { id: string; samples: { name: string; value: number }[] };
      pushed: { accepted: number; rejected: { index: number; error: string }[] };
      readBack: { name: string; labels: Record<string, string>; value: number }[];
      denied: string;
    };
    expect(result.cpu).toMatchObject({ name: 'cpu_usage', unit: '%', value: expect.any(Number) });
    expect(result.live.id).toEqual(expect.any(String));
    expect(result.live.samples.length).toBeGreaterThan(0);
    expect(result.live.samples.every((s) => s.name === 'cpu_usage' && typeof s.value === 'number')).toBe(true);
    // A push is taken sample by sample: the one without a value is refused, the other stored.
    expect(result.pushed).toMatchObject({ accepted: 1, rejected: [{ index: 1, error: expect.stringMatching(/value/) }] });
    expect(result.readBack).toEqual([expect.objectContaining({ name: 'orders_shipped', labels: { region: 'sul' }, value: 151 })]);
    expect(result.denied).toBe('UNAUTHORIZED');
  });

  it('types every call for a TypeScript application (strict, no skipLibCheck)', async () => {
    writeFileSync(join(project, 'typed.ts'), TYPED_CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023', 'dom', 'esnext.disposable'],
          types: [],
          skipLibCheck: false,
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch((error: Error & { stdout?: string }) => ({ stdout: error.stdout ?? error.message, failed: true }));
    expect(result.stdout.trim(), 'tsc output').toBe('');
  });
});
