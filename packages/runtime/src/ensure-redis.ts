import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { pingRedis, type RedisDatabaseProblem } from '@vigia/live';
import type { Logger } from '@vigia/core';
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

function serverAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'the configured server';
  }
}

function databaseProblem(url: string, { db, databases, error }: RedisDatabaseProblem): string {
  const server = `the Redis at ${serverAddress(url)}`;
  return databases === null ? `database ${db} but ${server} refuses it (${error})` : `database ${db} but ${server} has ${databases} (0-${databases - 1})`;
}

/**
 * Makes sure Redis answers, on the database REDIS_URL selects. When it does not answer and the URL
 * is a local one, a `redis-server` found on PATH is started (as a child that stops with us).
 * Otherwise one line says what to do.
 */
export async function ensureRedis(url: string, logger: Logger, { mayStart = false } = {}): Promise<ChildProcess | undefined> {
  const first = await pingRedis(url);
  if (first.ok) return undefined;
  // Only REDIS_URL can name a database (REDIS_HOST/REDIS_PORT always mean database 0).
  if (first.database) throw new FatalError(`REDIS_URL selects ${databaseProblem(url, first.database)}`);
  const port = localPort(url);
  const server = mayStart && port !== null ? spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim() : '';
  if (server) {
    logger.warn('Redis does not answer; starting a local redis-server', { port });
    const child = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    // However Vigia ends (a stop cut short at its deadline included), the Redis it started goes too.
    process.once('exit', () => child.kill());
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const ping = await pingRedis(url, 500);
      if (ping.ok) return child;
      if (ping.database) {
        child.kill();
        throw new FatalError(`REDIS_URL selects ${databaseProblem(url, ping.database)}`);
      }
    }
    child.kill();
  }
  throw new FatalError(
    `Redis at ${redact(url)} does not answer (${first.error}). Start it (e.g. \`redis-server --daemonize yes\` or \`sudo systemctl start redis-server\`) or point REDIS_URL / REDIS_HOST / REDIS_PORT at a running one.`,
  );
}
