import type { HistoryStore } from '@vigia/db';
import type { Logger } from '@vigia/plugin-sdk';

/** Deletes history past each resolution's retention (raw, 1-minute and 1-hour rollups). */
export async function runRetention(history: HistoryStore, retention: { raw: number; '1m': number; '1h': number }, logger: Logger, now = Date.now()) {
  const removed = await history.enforceRetention(now, retention);
  logger.info('retention enforced', removed);
  return removed;
}
