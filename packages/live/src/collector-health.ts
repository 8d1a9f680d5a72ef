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

  /**
   * One round trip for a collection that went well (most of them): its entry does not depend on
   * the one before. The run and error counts live in the counters hash, where HINCRBY keeps them
   * exact across workers, and are read back into the entry by `get` and `list`.
   */
  async record(name: string, intervalMs: number, outcome: { ok: boolean; durationMs: number; samples: number; error?: string; at: number }): Promise<CollectorHealth> {
    const runsField = `collector_runs:${name}`;
    const errorsField = `collector_errors:${name}`;
    const entry = {
      name,
      status: outcome.ok ? ('ok' as const) : ('error' as const),
      intervalMs,
      lastRunAt: outcome.at,
      lastSuccessAt: outcome.ok ? outcome.at : undefined,
      lastDurationMs: Math.round(outcome.durationMs * 10) / 10,
      lastError: outcome.ok ? undefined : outcome.error,
      samples: outcome.samples,
    };
    if (outcome.ok) {
      const [[, runs], [, errors]] = (await this.redis
        .multi()
        .hincrby(this.keys.counters, runsField, 1)
        .hget(this.keys.counters, errorsField)
        .hset(this.keys.collectors, name, JSON.stringify(entry))
        .exec()) as [[null, number], [null, string | null]];
      return { ...entry, runsTotal: runs, errorsTotal: Number(errors ?? 0) };
    }
    // A failure keeps the time of the last success from the entry before.
    const [[, runs], [, errors], [, raw]] = (await this.redis
      .multi()
      .hincrby(this.keys.counters, runsField, 1)
      .hincrby(this.keys.counters, errorsField, 1)
      .hget(this.keys.collectors, name)
      .exec()) as [[null, number], [null, number], [null, string | null]];
    if (raw) entry.lastSuccessAt = (JSON.parse(raw) as CollectorHealth).lastSuccessAt;
    await this.redis.hset(this.keys.collectors, name, JSON.stringify(entry));
    return { ...entry, runsTotal: runs, errorsTotal: errors };
  }

  async get(name: string): Promise<CollectorHealth | undefined> {
    const [[, raw], [, counts]] = (await this.redis.multi().hget(this.keys.collectors, name).hmget(this.keys.counters, `collector_runs:${name}`, `collector_errors:${name}`).exec()) as [
      [null, string | null],
      [null, (string | null)[]],
    ];
    return raw ? { ...(JSON.parse(raw) as CollectorHealth), runsTotal: Number(counts[0] ?? 0), errorsTotal: Number(counts[1] ?? 0) } : undefined;
  }

  async list(): Promise<CollectorHealth[]> {
    const [[, all], [, counters]] = (await this.redis.multi().hvals(this.keys.collectors).hgetall(this.keys.counters).exec()) as [[null, string[]], [null, Record<string, string>]];
    return all
      .map((raw) => {
        const h = JSON.parse(raw) as CollectorHealth;
        return { ...h, runsTotal: Number(counters[`collector_runs:${h.name}`] ?? 0), errorsTotal: Number(counters[`collector_errors:${h.name}`] ?? 0) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
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
    await this.redis.multi().hdel(this.keys.collectors, name).hdel(this.keys.info, name).hdel(this.keys.counters, `collector_runs:${name}`, `collector_errors:${name}`).exec();
  }

  async info(): Promise<Record<string, Record<string, unknown>>> {
    const raw = await this.redis.hgetall(this.keys.info);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]));
  }
}
