import type { Redis } from 'ioredis';
import { labelsMatch, type Labels } from '@vigia/core';
import type { MetricDescriptor } from '@vigia/plugin-sdk';
import type { RedisKeys } from './keys.ts';
import type { LiveSample } from './sample-writer.ts';

/** Reads what the worker wrote: newest values, metric descriptions, live windows. */
export class SampleReader {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async current(filter?: { name?: string; labels?: Labels }): Promise<LiveSample[]> {
    const all = await this.redis.hvals(this.keys.latest);
    const out: LiveSample[] = [];
    for (const raw of all) {
      const s = JSON.parse(raw) as LiveSample;
      if (filter?.name && s.name !== filter.name) continue;
      if (!labelsMatch(s.labels, filter?.labels)) continue;
      out.push(s);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
