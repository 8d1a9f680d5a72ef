import type { Redis } from 'ioredis';
import { keysOf } from './config.ts';

// One script, so it runs atomically: no LPUSH can land between reading the list and deleting it
// (each value is taken by exactly one worker, exactly once), and the counter snapshot is swapped
// in the same step (whichever worker runs a tick compares with the tick before it). The clock is
// Redis' own, so workers on machines with skewed clocks still agree on the interval.
const TAKE = `
local count = redis.call('GET', KEYS[1])
local errors = redis.call('GET', KEYS[2])
local prev = redis.call('HMGET', KEYS[4], 'count', 'errors', 'sec', 'usec')
local t = redis.call('TIME')
redis.call('HSET', KEYS[4], 'count', count or '0', 'errors', errors or '0', 'sec', t[1], 'usec', t[2])
redis.call('PEXPIRE', KEYS[4], ARGV[2])
local len = redis.call('LLEN', KEYS[3])
local items = {}
if len > 0 then
  -- LPUSH puts the newest first: the head of the list is what is kept when it is too long.
  items = redis.call('LRANGE', KEYS[3], 0, math.min(len, tonumber(ARGV[1])) - 1)
  redis.call('UNLINK', KEYS[3])
end
return { count or false, errors or false, prev[1] or false, prev[2] or false, prev[3] or false, prev[4] or false, t[1], t[2], len, items }
`;

// A day without a tick means the collector was off; a rate over such a gap would mean little.
const STATE_TTL_MS = 86_400_000;

export interface Counters {
  requests: string | null;
  errors: string | null;
}

export interface Taken {
  now: number;
  current: Counters;
  previous: (Counters & { at: number }) | null;
  /** Length of the list before it was taken. */
  length: number;
  /** The newest `max` values, as strings. */
  values: string[];
}

type Take = (requests: string, errors: string, list: string, state: string, max: number, ttl: number) => Promise<unknown[]>;

const ms = (sec: unknown, usec: unknown) => Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export async function take(redis: Redis, prefix: string, max: number): Promise<Taken> {
  const client = redis as Redis & { vigiaApiTake?: Take };
  if (!client.vigiaApiTake) redis.defineCommand('vigiaApiTake', { numberOfKeys: 4, lua: TAKE });
  const keys = keysOf(prefix);
  const r = await client.vigiaApiTake!(keys.requests, keys.errors, keys.responseTimes, keys.state, max, STATE_TTL_MS);
  const [requests, errors, prevRequests, prevErrors, prevSec, prevUsec, sec, usec, length, values] = r;
  return {
    now: ms(sec, usec),
    current: { requests: str(requests), errors: str(errors) },
    previous: prevSec === null || prevSec === undefined ? null : { requests: str(prevRequests), errors: str(prevErrors), at: ms(prevSec, prevUsec) },
    length: Number(length),
    values: (values as string[]) ?? [],
  };
}
