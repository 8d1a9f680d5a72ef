import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './poll.ts';
import { owe } from './scratch.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface AppProcess {
  pid: number;
  /** The last lines it printed, for a failure message. */
  output(): string;
  exited(): boolean;
  /** SIGTERM, as a service manager would; SIGKILL if it has not gone after 15 s. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node scripts/run.mjs <app>` from the repository root: what `npm run start:<app>` runs
 * (the bundled app, built first if stale), without npm in between.
 * Only PATH and HOME come from this process: a DATABASE_URL or MONITORING_PORT in the shell must
 * not leak into the benchmark.
 */
export function spawnApp(app: 'worker' | 'api' | 'all', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), 'scripts/run.mjs', app], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start the ${app}`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const waitExit = (ms: number) => Promise.race([exit, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
  const stop = owe(async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    if ((await waitExit(15_000)) === undefined && exitCode === undefined) {
      child.kill('SIGKILL');
      await waitExit(5_000);
    }
  });
  return {
    pid: child.pid,
    output: () => lines.join('\n'),
    exited: () => exitCode !== undefined,
    async stop() {
      await stop();
      return exitCode ?? null;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A temporary data dir holding monitoring.yaml, removed by `remove`. */
export function tempConfig(yaml: string): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-'));
  const file = join(dir, 'monitoring.yaml');
  writeFileSync(file, yaml);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits for GET /healthz to answer 200, failing early with the app's output if it died. */
export async function waitHealthy(app: AppProcess, url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.exited()) throw new Error(`the API exited during start-up:\n${app.output()}`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`the API did not become healthy within ${timeoutMs / 1000} s:\n${app.output()}`);
}
