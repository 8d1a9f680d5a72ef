import type { Redis } from 'ioredis';
import { labelsMatch, type Labels, type MetricDescriptor } from '@vigia/core';
import type { RedisKeys } from './keys.ts';
import type { LiveSample } from './sample-writer.ts';

/** Reads what the worker wrote: newest values, metric descriptions, live windows. */
export class SampleReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * The newest sample of every series (matching the filter). With `staleAfterMs`, series silent
   * for longer carry `stale: true` instead of passing their last value off as current.
   */
  async current(filter?: { name?: string; labels?: Labels; staleAfterMs?: number; now?: number }): Promise<(LiveSample & { stale?: true })[]> {
    const all = await this.redis.hvals(this.keys.latest);
    const out: (LiveSample & { stale?: true })[] = [];
    const horizon = filter?.staleAfterMs !== undefined ? (filter.now ?? Date.now()) - filter.staleAfterMs : -Infinity;
    for (const raw of all) {
      const s = JSON.parse(raw) as LiveSample & { stale?: true };
      if (filter?.name && s.name !== filter.name) continue;
      if (!labelsMatch(s.labels, filter?.labels)) continue;
      if (s.timestamp < horizon) s.stale = true;
      out.push(s);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Forgets the newest value of series silent since before `olderThan` (ms); returns how many. */
  async forgetSilent(olderThan: number): Promise<number> {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, flat] = await this.redis.hscan(this.keys.latest, cursor, 'COUNT', 1000);
      cursor = next;
      const silent: string[] = [];
      for (let i = 0; i < flat.length; i += 2) if ((JSON.parse(flat[i + 1]!) as LiveSample).timestamp < olderThan) silent.push(flat[i]!);
      if (silent.length) removed += await this.redis.hdel(this.keys.latest, ...silent);
    } while (cursor !== '0');
    return removed;
  }

  async descriptors(): Promise<Record<string, MetricDescriptor>> {
    const raw = await this.redis.hgetall(this.keys.meta);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as MetricDescriptor]));
  }

  /** Samples of one series since `from` (ms), oldest first, from the live window. */
  async window(seriesKey: string, from: number, to = Number.MAX_SAFE_INTEGER): Promise<{ t: number; v: number }[]> {
    const members = await this.redis.zrangebyscore(this.keys.window(seriesKey), from, to);
    return members.map((m) => {
      const i = m.indexOf(':');
      return { t: Number(m.slice(0, i)), v: Number(m.slice(i + 1)) };
    });
  }
}
