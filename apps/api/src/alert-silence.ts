import type { Labels } from '@vigia/core';
import { suppressionsChanged } from '@vigia/alerting';
import { silences } from '@vigia/db';
import type { ApiDeps } from './deps.ts';

/** A silence on one alert's rule and labels, from now for `forMs`: what a button or a link in a message makes. */
export async function silenceAlert(deps: ApiDeps, alert: { rule: string; labels: Labels }, by: { actor: string; forMs: number; comment: string }) {
  const now = Date.now();
  const [row] = await deps.store.db
    .insert(silences)
    .values({ matchers: { rule: alert.rule, labels: alert.labels }, startsAt: new Date(now), endsAt: new Date(now + by.forMs), createdBy: by.actor, comment: by.comment })
    .returning();
  await suppressionsChanged(deps.redis, deps.keys.suppressionsVersion);
  return row!;
}
