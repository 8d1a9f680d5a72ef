import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort } from './app-process.ts';
import { pollUntil } from './poll.ts';
import { REDIS_URL, owe } from './scratch.ts';

const REDIS_SERVER = process.env.VIGIA_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface BenchRedis {
  url: string;
  /** False when no redis-server could be started and the shared one serves: counts include other clients. */
  isolated: boolean;
  stop(): Promise<void>;
}

/**
 * A Redis of the benchmark's own on a free loopback port, without persistence: INFO's command
 * counts and memory figures then hold Vigia's traffic and nothing else (tests share the usual one).
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  if (!existsSync(REDIS_SERVER)) return { url: REDIS_URL, isolated: false, stop: async () => {} };
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = owe(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await pollUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        return probe.connect().then(
          () => probe.ping(),
          () => null,
        );
      },
      'the benchmark Redis to answer',
      { timeoutMs: 10_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.disconnect();
  }
  return { url, isolated: true, stop };
}

/** Calls per command from INFO commandstats (commands run inside Lua scripts included). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const [, command, n] of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(command!, Number(n));
  return calls;
}

export function callsBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [command, n] of after) {
    const d = n - (before.get(command) ?? 0);
    if (d > 0) delta.set(command, d);
  }
  return new Map([...delta].sort((a, b) => b[1] - a[1]));
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? Number.NaN);
}
