import { labelsMatch, worseImpact, type DayUptime, type StatusComponent } from '@vigia/core';
import type { IncidentWithUpdates } from '@vigia/db';
import type { WindowDefinition } from '@vigia/alerting';
import { activeOccurrence, nextOccurrence } from '@vigia/alerting';
import type { StatusPageConfig } from '@vigia/config';
import type { ProbeUptimeReport } from './uptime-report.ts';

/**
 * Everything /status shows, and nothing else: built from the configured component names and
 * descriptions, incident texts written for the public, times and uptime ratios. Rule names,
 * labels, hosts, values, authors and alert ids stay out by construction.
 */

export type ComponentState = 'operational' | 'degraded' | 'major' | 'maintenance';

export interface PublicIncident {
  id: number;
  title: string;
  impact: 'major' | 'degraded' | 'none';
  status: string;
  components: string[];
  startedAt: string;
  resolvedAt: string | null;
  updates: { at: string; status: string; message: string }[];
}

export interface PublicStatus {
  title: string;
  generatedAt: string;
  overall: ComponentState;
  components: { name: string; description: string | null; state: ComponentState; uptime: { ratio90d: number | null; days: DayUptime[] } | null }[];
  incidents: PublicIncident[];
  resolved: PublicIncident[];
  maintenance: { components: string[]; start: string; end: string; inProgress: boolean }[];
}

const iso = (d: Date | number) => new Date(d).toISOString();
const UPCOMING_MS = 7 * 86_400_000;

/** A window concerns a component when its rule (if any) is the component's and its labels are among the component's. */
function windowCovers(w: WindowDefinition, c: StatusComponent): boolean {
  const labels = c.probe !== undefined ? { probe: c.probe, ...c.match?.labels } : (c.match?.labels ?? {});
  return (w.matchers.rule === undefined || w.matchers.rule === c.match?.rule) && labelsMatch(labels, w.matchers.labels);
}

export function publicStatus(config: StatusPageConfig, incidents: IncidentWithUpdates[], windows: WindowDefinition[], uptime: ProbeUptimeReport[], now: number): PublicStatus {
  const names = new Set(config.components.map((c) => c.name));
  const toPublic = (i: IncidentWithUpdates): PublicIncident => ({
    id: i.id,
    title: i.title,
    impact: i.impact,
    status: i.status,
    components: i.components.filter((c) => names.has(c)),
    startedAt: iso(i.startedAt),
    resolvedAt: i.resolvedAt ? iso(i.resolvedAt) : null,
    updates: i.updates.map((u) => ({ at: iso(u.at), status: u.status, message: u.message })),
  });
  const open = incidents.filter((i) => !i.resolvedAt).map(toPublic);
  const resolved = incidents.filter((i) => i.resolvedAt).map(toPublic);

  const maintenance: PublicStatus['maintenance'] = [];
  const inMaintenance = new Set<string>();
  for (const w of windows) {
    const covered = config.components.filter((c) => windowCovers(w, c)).map((c) => c.name);
    if (covered.length === 0) continue;
    const current = activeOccurrence(w.schedule, now);
    const occurrence = current ?? nextOccurrence(w.schedule, now);
    if (!occurrence || occurrence.start > now + UPCOMING_MS) continue;
    if (current) covered.forEach((c) => inMaintenance.add(c));
    maintenance.push({ components: covered, start: iso(occurrence.start), end: iso(occurrence.end), inProgress: current !== null });
  }
  maintenance.sort((a, b) => a.start.localeCompare(b.start));

  const uptimeOf = new Map(uptime.map((u) => [u.probe, u]));
  const components = config.components.map((c) => {
    let state: ComponentState = inMaintenance.has(c.name) ? 'maintenance' : 'operational';
    for (const i of open) {
      if (i.components.includes(c.name) && i.impact !== 'none') state = state === 'maintenance' || state === 'operational' ? i.impact : worseImpact(state, i.impact);
    }
    const u = c.probe !== undefined && config.show_uptime ? uptimeOf.get(c.probe) : undefined;
    return { name: c.name, description: c.description ?? null, state, uptime: u ? { ratio90d: u.windows['90d'].ratio, days: u.days } : null };
  });
  const overall = components.reduce<ComponentState>(
    (worst, c) => (c.state === 'major' || (c.state === 'degraded' && worst !== 'major') || (c.state === 'maintenance' && worst === 'operational') ? c.state : worst),
    'operational',
  );
  return { title: config.title, generatedAt: iso(now), overall, components, incidents: open, resolved, maintenance };
}
