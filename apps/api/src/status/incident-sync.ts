import { SuppressionCache } from '@vigia/alerting';
import { planIncidents } from '@vigia/core';
import type { StatusIncidents } from '@vigia/db';
import { TickClaims } from '@vigia/live';
import type { ApiDeps } from '../deps.ts';

const EVERY_MS = 2_000;

const TITLE = { major: 'Major outage', degraded: 'Degraded performance' } as const;
const opening = (component: string, impact: 'major' | 'degraded') => (impact === 'major' ? `${component} is unavailable. We are investigating.` : `${component} is degraded. We are investigating.`);

/**
 * Opens, extends and closes automatic incidents from alert episodes. Every API process times it;
 * one per tick runs it (a Redis claim), so two processes never open the same incident twice.
 * `onChange` lets the page cache rebuild at once rather than at its next refresh.
 */
export function startIncidentSync(deps: ApiDeps, incidents: StatusIncidents, onChange: () => void): () => Promise<void> {
  const components = deps.config.statusPage.components;
  const claims = new TickClaims(deps.redis, deps.keys, `api:${process.pid}:${Math.random().toString(36).slice(2)}`);
  // Every 2 s on every API process: the evaluator's cache, re-read only when a window changed.
  const suppressions = new SuppressionCache(deps.store.db, deps.config.maintenanceWindows, deps.redis, deps.keys.suppressionsVersion);
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  const tick = async () => {
    const now = Date.now();
    if (!(await claims.claim('status-incidents', Math.floor(now / EVERY_MS), EVERY_MS * 2))) return;
    const windows = await suppressions.at(now);
    const inMaintenance = (rule: string, labels: Record<string, string>) => windows.match(rule, labels)?.kind === 'maintenance';
    if ((await syncIncidents(incidents, components, new Date(now), inMaintenance)) > 0) onChange();
    failing = false;
  };
  let busy = false;
  const timer = setInterval(() => {
    // A pass stuck on an unreachable database is not queued behind: the next tick after it runs.
    if (busy) return;
    busy = true;
    running = tick()
      .finally(() => (busy = false))
      .catch((error: Error) => {
        if (!failing) deps.logger.warn('status page incidents not synced with alerts; retrying every 2 s', { error: error.message });
        failing = true;
      });
  }, EVERY_MS);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** One pass; returns how many incidents it changed. */
export async function syncIncidents(
  incidents: StatusIncidents,
  components: ApiDeps['config']['statusPage']['components'],
  now: Date,
  inMaintenance: (rule: string, labels: Record<string, string>) => boolean = () => false,
): Promise<number> {
  const active = await incidents.activeAlerts();
  const [open, linked] = await Promise.all([incidents.openAutomatic(), incidents.linkedKeys(active.map((a) => a.id))]);
  const planned = new Set(active.filter((a) => inMaintenance(a.rule, a.labels)).map((a) => a.id));
  const plan = planIncidents(components, active, open, linked, planned);
  for (const o of plan.open) {
    await incidents.open({
      title: `${o.component}: ${TITLE[o.impact]}`,
      impact: o.impact,
      components: [o.component],
      automatic: true,
      createdBy: 'vigia',
      message: opening(o.component, o.impact),
      alertIds: o.alertIds,
      at: now,
    });
  }
  for (const e of plan.extend) {
    const was = open.find((i) => i.id === e.incidentId);
    // A degraded incident that turns major is renamed: the title is what visitors read first.
    await incidents.extend(e.incidentId, e.alertIds, e.impact, was && was.impact !== e.impact ? `${was.component}: ${TITLE[e.impact]}` : undefined);
  }
  for (const id of plan.resolve) await incidents.postUpdate(id, { status: 'resolved', message: 'This incident has been resolved.', author: 'vigia', at: now });
  return plan.open.length + plan.extend.length + plan.resolve.length;
}
