import type { Redis } from 'ioredis';

/** The counters a tick compares with the previous tick, as INFO reported them. */
export interface Reading {
  hits: number;
  misses: number;
  commands: number;
  runId: string;
}

export interface Previous extends Reading {
  /** Server time of the previous reading, ms. */
  at: number;
  /** Whether the state lookup right after that reading was a keyspace hit or a miss. */
  lookup: 'hit' | 'miss';
}

// Swaps the stored reading for the new one in one step, stamped with Redis' own clock so every
// worker measures the interval on the same clock. The HMGET is itself a keyspace lookup that the
// next INFO will include; the script records whether it hit, so the next tick can take it out.
const SWAP = `
local prev = redis.call('HMGET', KEYS[1], 'hits', 'misses', 'commands', 'run_id', 'sec', 'usec', 'lookup')
local lookup = 'miss'
if prev[5] then lookup = 'hit' end
local t = redis.call('TIME')
redis.call('HSET', KEYS[1], 'hits', ARGV[1], 'misses', ARGV[2], 'commands', ARGV[3], 'run_id', ARGV[4], 'sec', t[1], 'usec', t[2], 'lookup', lookup)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return { prev[1] or false, prev[2] or false, prev[3] or false, prev[4] or false, prev[5] or false, prev[6] or false, prev[7] or false, t[1], t[2] }
`;

// A day without a tick means the collector was off; a rate over that gap would mean little.
const STATE_TTL_MS = 86_400_000;

type Swap = (key: string, hits: string, misses: string, commands: string, runId: string, ttl: number) => Promise<(string | null)[]>;

export function stateKey(prefix: string): string {
  return `${prefix}vigia:state:redis`;
}

const ms = (sec: string | null | undefined, usec: string | null | undefined) => Number(sec) * 1000 + Math.floor(Number(usec) / 1000);

/** Stores `reading` as the new baseline and returns the previous one (null on the first tick). */
export async function swapReading(redis: Redis, prefix: string, reading: Reading): Promise<{ now: number; previous: Previous | null }> {
  const commands = redis as Redis & { vigiaRedisSwap?: Swap };
  if (!commands.vigiaRedisSwap) redis.defineCommand('vigiaRedisSwap', { numberOfKeys: 1, lua: SWAP });
  const r = await commands.vigiaRedisSwap!(stateKey(prefix), String(reading.hits), String(reading.misses), String(reading.commands), reading.runId, STATE_TTL_MS);
  const now = ms(r[7], r[8]);
  const [hits, misses, cmds, runId, sec, usec, lookup] = r;
  if (sec === null || sec === undefined) return { now, previous: null };
  return {
    now,
    previous: { hits: Number(hits), misses: Number(misses), commands: Number(cmds), runId: runId ?? '', at: ms(sec, usec), lookup: lookup === 'hit' ? 'hit' : 'miss' },
  };
}
