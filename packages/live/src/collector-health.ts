import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

export interface CollectorHealth {
  name: string;
  status: 'ok' | 'error' | 'unknown';
  intervalMs: number;
  lastRunAt?: number;
  lastSuccessAt?: number;
  lastDurationMs?: number;
  lastError?: string;
  samples?: number;
  errorsTotal: number;
  runsTotal: number;
}

/**
 * The name a host-scoped collector's health and facts are kept under (`system@web-1`): one entry
 * per machine, so one machine going quiet shows, and alerts, on its own. Plugin names cannot hold
 * `@`, so the two parts always split back apart.
 */
export function hostScopedName(collector: string, host: string): string {
  return `${collector}@${host}`;
}

/** The collector and host of a name from `hostScopedName`; no host for a shared collector's. */
export function splitScopedName(name: string): { collector: string; host?: string } {
  const at = name.indexOf('@');
  return at < 0 ? { collector: name } : { collector: name.slice(0, at), host: name.slice(at + 1) };
}

/** Shared by every worker through Redis, so the API shows one truth whichever worker ran it. */
export class CollectorHealthBoard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(name: string, intervalMs: number, outcome: { ok: boolean; durationMs: number; samples: number; error?: string; at: number }): Promise<CollectorHealth> {
    // The last entry rides in the same round trip: a collection costs two, not three.
    const [[, runs], [, errors], [, raw]] = (await this.redis
      .multi()
      .hincrby(this.keys.counters, `collector_runs:${name}`, 1)
      .hincrby(this.keys.counters, `collector_errors:${name}`, outcome.ok ? 0 : 1)
      .hget(this.keys.collectors, name)
      .exec()) as [[null, number], [null, number], [null, string | null]];
    const previous = !outcome.ok && raw ? (JSON.parse(raw) as CollectorHealth) : undefined;
    const health: CollectorHealth = {
      name,
      status: outcome.ok ? 'ok' : 'error',
      intervalMs,
      lastRunAt: outcome.at,
      lastSuccessAt: outcome.ok ? outcome.at : previous?.lastSuccessAt,
      lastDurationMs: Math.round(outcome.durationMs * 10) / 10,
      lastError: outcome.ok ? undefined : outcome.error,
      samples: outcome.samples,
      errorsTotal: errors,
      runsTotal: runs,
    };
    await this.redis.hset(this.keys.collectors, name, JSON.stringify(health));
    return health;
  }

  async get(name: string): Promise<CollectorHealth | undefined> {
    const raw = await this.redis.hget(this.keys.collectors, name);
    return raw ? (JSON.parse(raw) as CollectorHealth) : undefined;
  }

  async list(): Promise<CollectorHealth[]> {
    const all = await this.redis.hvals(this.keys.collectors);
    return all.map((raw) => JSON.parse(raw) as CollectorHealth).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Static facts a collector published (system info). */
  async publishInfo(name: string, info: Record<string, unknown>): Promise<void> {
    await this.redis.hset(this.keys.info, name, JSON.stringify({ ...info, updatedAt: Date.now() }));
  }

  /**
   * Drops a name nobody reports under any more (a collector that became host-scoped leaves its
   * old entry behind, which would otherwise read as a collector that stopped, and alert forever).
   */
  async forget(name: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.keys.collectors, name)
      .hdel(this.keys.info, name)
      .hdel(this.keys.counters, `collector_runs:${name}`, `collector_errors:${name}`)
      .exec();
  }

  async info(): Promise<Record<string, Record<string, unknown>>> {
    const raw = await this.redis.hgetall(this.keys.info);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]));
  }
}
