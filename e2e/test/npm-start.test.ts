import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@vigia/config';
import { randomBytes } from 'node:crypto';
import { freePort, waitFor } from '@vigia/testing';

// A service manager (systemd, supervisord, a container runtime) signals the one process it
// started, not its process group as a terminal's Ctrl-C does. For `npm start` that process is
// npm: SIGINT or SIGTERM to it alone must stop all of Vigia, the redis-server it started included.

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  cmd: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), pgid: Number(pgid), state: state!, cmd };
  } catch {
    return null; // gone meanwhile
  }
}

const allProcesses = () =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readProc(Number(d)) ?? []);

/** `root`, everything it started (however deep), and whatever else runs in its process group. */
function processTree(root: number): Proc[] {
  const all = allProcesses();
  const tree = new Map<number, Proc>();
  for (const p of all) if (p.pid === root || p.pgid === root) tree.set(p.pid, p);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.set(p.pid, p);
        grew = true;
      }
    }
  }
  return [...tree.values()];
}

/** Still running: present and not a zombie waiting for its parent to collect it. */
const running = (p: Proc) => {
  const now = readProc(p.pid);
  return now !== null && now.state !== 'Z' && now.cmd === p.cmd;
};

describe('npm start under a service manager', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vigia-npm-start-'));
  const started: ChildProcess[] = [];

  beforeAll(() => {
    // What the first `npm start` would build (the dashboard takes half a minute): built here so
    // the start below is an ordinary one.
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore', timeout: 300_000 });
  }, 320_000);

  afterAll(async () => {
    // Whatever a failed test left running: the group is this test's own (detached).
    for (const child of started) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops every process it started on %s sent to npm alone', { timeout: 240_000 }, async (signal) => {
    const port = await freePort();
    // No Redis answers there: `npm start` starts a redis-server of its own, one more process to stop.
    const redisPort = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      // Its own process group, as under a service manager: only the signal sent below reaches it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NPM_CONFIG_UPDATE_NOTIFIER: 'false',
        VIGIA_DATA_DIR: mkdtempSync(join(scratch, 'data-')),
        MONITORING_HOST: '127.0.0.1',
        MONITORING_PORT: String(port),
        VIGIA_KEY_PREFIX: `vigiatest:${randomBytes(5).toString('hex')}`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        ADMIN_PASSWORD: 'npm-start-test-password',
        LOG_LEVEL: 'warn',
      },
    });
    started.push(npm);
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
    npm.stdout!.on('data', keep);
    npm.stderr!.on('data', keep);

    await waitFor(
      async () => {
        if (npm.exitCode !== null || npm.signalCode !== null) throw new Error(`npm start exited (${npm.exitCode ?? npm.signalCode}):\n${output}`);
        return fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 180_000, intervalMs: 250, what: 'npm start to answer /healthz' },
    );
    const tree = processTree(npm.pid!);
    const commands = tree.map((p) => p.cmd).join('\n');
    expect(commands, 'the tree holds the node process running Vigia').toMatch(/scripts\/run\.mjs all/);
    expect(commands, 'the tree holds the redis-server Vigia started').toContain(`redis-server 127.0.0.1:${redisPort}`);

    process.kill(npm.pid!, signal);
    const list = (procs: Proc[]) => procs.map((p) => `${p.pid} ${p.cmd}`).join('\n');
    await waitFor(() => tree.every((p) => !running(p)), { timeoutMs: 60_000, intervalMs: 200, what: 'every process of the tree to end' }).catch((error: Error) => {
      throw new Error(`${error.message}; still running after ${signal} to npm (${npm.pid}):\n${list(tree.filter(running))}\nof the tree:\n${list(tree)}\noutput:\n${output}`);
    });
    expect(
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
  });
});
