import type { HistoryStore } from '@vigia/db';
import type { SampleReader, SeriesGuard } from '@vigia/live';
import type { Logger } from '@vigia/core';

/**
 * Deletes history past each resolution's retention (raw, 1-minute and 1-hour rollups) and
 * forgets the newest value of series silent for longer than raw retention, and their place under
 * the series limits.
 */
export async function runRetention(history: HistoryStore, reader: SampleReader, guard: SeriesGuard, retention: { raw: number; '1m': number; '1h': number }, logger: Logger, now = Date.now()) {
  const removed = await history.enforceRetention(now, retention);
  const forgotten = await reader.forgetSilent(now - retention.raw);
  const freed = await guard.forgetSilent(now - retention.raw);
  logger.info('retention enforced', { ...removed, silent_series_forgotten: forgotten, series_limit_places_freed: freed });
  return { ...removed, silentSeries: forgotten };
}
