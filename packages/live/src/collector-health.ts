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

/** Shared by every worker through Redis, so the API shows one truth whichever worker ran it. */
export class CollectorHealthBoard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(name: string, intervalMs: number, outcome: { ok: boolean; durationMs: number; samples: number; error?: string; at: number }): Promise<CollectorHealth> {
    const [[, runs], [, errors]] = (await this.redis
      .multi()
      .hincrby(this.keys.counters, `collector_runs:${name}`, 1)
      .hincrby(this.keys.counters, `collector_errors:${name}`, outcome.ok ? 0 : 1)
      .exec()) as [[null, number], [null, number]];
    const previous = await this.get(name);
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

  async info(): Promise<Record<string, Record<string, unknown>>> {
    const raw = await this.redis.hgetall(this.keys.info);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]));
  }
}
