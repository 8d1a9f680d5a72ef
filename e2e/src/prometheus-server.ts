import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The Debian `prometheus` package's server (apt-get install -y prometheus; bash .ci/run does).
const PROMETHEUS = process.env.VIGIA_PROMETHEUS ?? '/usr/bin/prometheus';

export interface RunningPrometheus {
  url: string;
  /** What it printed so far, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real Prometheus with the given prometheus.yml, its own TSDB directory and a free port.
 * `prepare` may fill the TSDB directory first (blocks made with promtool).
 */
export async function startPrometheus(configYaml: string, prepare?: (dataDir: string) => void): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS)) throw new Error(`no ${PROMETHEUS}: run \`apt-get install -y prometheus\``);
  const dir = mkdtempSync(join(tmpdir(), 'vigia-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), configYaml);
  prepare?.(join(dir, 'data'));
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
