import type { Redis } from 'ioredis';
import type { RedisKeys } from '@vigia/live';

export interface BackoffRule {
  /** Failures allowed before the first wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it. */
  firstWaitMs: number;
  maxWaitMs: number;
}

export interface LoginLimits {
  /** One address guessing one username's password. */
  pair: BackoffRule;
  /** One address across every username: looser, so a shared office address is not blocked by one user's typos, but a spray of usernames is. */
  address: BackoffRule;
  /** Failures are forgotten this long after the last one. */
  memoryMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pair: { freeFailures: 5, firstWaitMs: 1_000, maxWaitMs: 5 * 60_000 },
  address: { freeFailures: 10, firstWaitMs: 1_000, maxWaitMs: 5 * 60_000 },
  memoryMs: 60 * 60_000,
};

// Redis's own clock, so API processes on machines whose clocks disagree still agree on "until".
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: the hashes to look at. Returns the longest wait still to run, in ms (0: go ahead). */
const CHECK = `${NOW}
local wait = 0
for i, key in ipairs(KEYS) do
  local untilMs = tonumber(redis.call('HGET', key, 'until') or '0')
  if untilMs - now > wait then wait = untilMs - now end
end
return wait`;

/** KEYS: the hashes; ARGV: memoryMs, then freeFailures, firstWaitMs, maxWaitMs per key. Counts one failure in each. */
const FAIL = `${NOW}
local memory = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local free, first, max = tonumber(ARGV[i * 3 - 1]), tonumber(ARGV[i * 3]), tonumber(ARGV[i * 3 + 1])
  local n = redis.call('HINCRBY', key, 'n', 1)
  if n >= free then
    local wait = math.min(first * 2 ^ math.min(n - free, 30), max)
    redis.call('HSET', key, 'until', string.format('%.0f', now + wait))
  end
  redis.call('PEXPIRE', key, memory)
end
return 0`;

/**
 * Failed logins counted in Redis, so every API process sees the same counts. Throttles the pair
 * (address, username) with exponential backoff, and an address across usernames more loosely: an
 * attacker's address slows down while the account's owner, elsewhere, still logs in.
 */
export class LoginLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private scopes(address: string, username: string): { key: string; rule: BackoffRule }[] {
    const user = username.toLowerCase();
    return [
      { key: this.keys.loginFailures(`pair:${address}|${user}`), rule: this.limits.pair },
      { key: this.keys.loginFailures(`address:${address}`), rule: this.limits.address },
    ];
  }

  /** Milliseconds until this address may try this username again, or 0. */
  async waitFor(address: string, username: string): Promise<number> {
    const keys = this.scopes(address, username).map((s) => s.key);
    return Number(await this.redis.eval(CHECK, keys.length, ...keys));
  }

  async fail(address: string, username: string): Promise<void> {
    const scopes = this.scopes(address, username);
    const args = scopes.flatMap(({ rule }) => [rule.freeFailures, rule.firstWaitMs, rule.maxWaitMs]);
    await this.redis.eval(FAIL, scopes.length, ...scopes.map((s) => s.key), this.limits.memoryMs, ...args);
  }

  /**
   * Only the pair is forgiven: an address that sprayed usernames must not clear its count by
   * logging in to an account of its own.
   */
  async succeed(address: string, username: string): Promise<void> {
    await this.redis.del(this.scopes(address, username)[0]!.key);
  }
}
