import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { pingRedis } from '@vigia/live';
import type { Logger } from '@vigia/plugin-sdk';
import { FatalError } from './fatal.ts';

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the configured Redis';
  }
}

function localPort(url: string): number | null {
  try {
    const u = new URL(url);
    return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname) && !u.password ? Number(u.port || 6379) : null;
  } catch {
    return null;
  }
}

/**
 * Makes sure Redis answers. When it does not and the URL is a local one, a `redis-server` found on
 * PATH is started (as a child that stops with us). Otherwise one line says what to do.
 */
export async function ensureRedis(url: string, logger: Logger, { mayStart = false } = {}): Promise<ChildProcess | undefined> {
  const first = await pingRedis(url);
  if (first.ok) return undefined;
  const port = localPort(url);
  const server = mayStart && port !== null ? spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim() : '';
  if (server) {
    logger.warn('Redis does not answer; starting a local redis-server', { port });
    const child = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await pingRedis(url, 500)).ok) return child;
    }
    child.kill();
  }
  throw new FatalError(
    `Redis at ${redact(url)} does not answer (${first.error}). Start it (e.g. \`redis-server --daemonize yes\` or \`sudo systemctl start redis-server\`) or point REDIS_URL / REDIS_HOST / REDIS_PORT at a running one.`,
  );
}
