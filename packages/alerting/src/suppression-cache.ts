import { and, gt, isNull } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { MaintenanceWindowConfig } from '@vigia/config';
import { silences, type Database } from '@vigia/db';
import { loadWindows, Suppressions, type WindowDefinition } from './suppression.ts';

/** A write that skipped the version number (SQL by hand) still shows within this long. */
const MAX_AGE_MS = 60_000;

/**
 * Silences and maintenance windows for an evaluator that asks on every arriving sample. Reading
 * both tables each time was the embedded database's busiest work at idle; the rows change only
 * when a person acts, and every writer bumps `versionKey` after committing. So one Redis GET per
 * question decides whether the rows held are still current, and a silence applies from the first
 * evaluation after the request that made it answered, as it did when every evaluation read them.
 */
export class SuppressionCache {
  private loaded?: { version: string | null; at: number; silences: (typeof silences.$inferSelect)[]; windows: WindowDefinition[] };

  constructor(
    private readonly db: Database,
    private readonly fromConfig: MaintenanceWindowConfig[],
    private readonly redis: Redis,
    private readonly versionKey: string,
  ) {}

  async at(now: number): Promise<Suppressions> {
    const version = await this.redis.get(this.versionKey);
    let held = this.loaded;
    if (!held || held.version !== version || now - held.at > MAX_AGE_MS || now < held.at) {
      // Ended and past ones never come back; one not yet started is held until it starts.
      const rows = this.db
        .select()
        .from(silences)
        .where(and(isNull(silences.endedAt), gt(silences.endsAt, new Date(now))));
      const [live, windows] = await Promise.all([rows, loadWindows(this.db, this.fromConfig)]);
      held = this.loaded = { version, at: now, silences: live, windows };
    }
    const active = held.silences.filter((s) => s.startsAt.getTime() <= now && s.endsAt.getTime() > now);
    return new Suppressions(active, held.windows, now);
  }
}

/** Bumped by whoever changes silences or maintenance windows, after the change is committed. */
export async function suppressionsChanged(redis: Redis, versionKey: string): Promise<void> {
  await redis.incr(versionKey);
}
