import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateCluster {
  url: string;
  stop(): Promise<void>;
}

/** Where initdb / pg_ctl live on Debian-style installs, newest major first. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function postgresUid(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * A throwaway PostgreSQL server of its own (initdb in a temp dir, random port) with
 * pg_stat_statements preloaded, so the installed path can be tested without touching the
 * shared server's configuration. Returns the reason when this machine cannot run one.
 */
export async function startPrivateCluster(): Promise<PrivateCluster | string> {
  const bin = findBinDir();
  if (!bin) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  if (!existsSync(join(bin, '..', 'lib', 'pg_stat_statements.so'))) return 'pg_stat_statements is not installed with the server binaries';
  // initdb refuses to run as root; then the cluster belongs to the postgres account.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUid() : undefined;
  if (asRoot && !owner) return 'running as root and there is no postgres account to own a cluster';
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);

  const dir = mkdtempSync(join(tmpdir(), 'vigia-pgss-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = join(bin, 'pg_ctl');
  try {
    await run(...wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']));
    const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c shared_preload_libraries=pg_stat_statements', '-c fsync=off'].join(' ');
    await run(...wrap(pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `could not start a private server: ${(error as Error).message.split('\n')[0]}`;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run(...wrap(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
