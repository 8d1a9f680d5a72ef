import { labelsMatch, type Labels } from './series-key.ts';

/**
 * What the public status page makes of alert episodes: which components an alert concerns, how
 * bad it looks from outside, and which incidents to open, extend or close. Pure, so the rules
 * are tested without a database; the API applies the plan.
 */

/** Where an incident stands on the public page; `resolved` closes it. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface StatusComponent {
  name: string;
  probe?: string;
  match?: { rule?: string; labels: Labels };
}

export type Impact = 'major' | 'degraded';

/** Critical and emergency alerts are a major outage; anything lower, degraded service. */
export function impactOf(severity: string): Impact {
  return severity === 'critical' || severity === 'emergency' ? 'major' : 'degraded';
}

const IMPACT_RANK: Record<string, number> = { none: 0, degraded: 1, major: 2 };
export const worseImpact = <T extends string>(a: T, b: T): T => ((IMPACT_RANK[b] ?? 0) > (IMPACT_RANK[a] ?? 0) ? b : a);

export function componentsOf(components: readonly StatusComponent[], rule: string, labels: Labels): string[] {
  return components
    .filter((c) => (c.probe !== undefined && labels.probe === c.probe) || (c.match !== undefined && (c.match.rule === undefined || c.match.rule === rule) && labelsMatch(labels, c.match.labels)))
    .map((c) => c.name);
}

export interface ActiveAlert {
  id: string;
  rule: string;
  labels: Labels;
  severity: string;
}

export interface OpenAutomaticIncident {
  id: number;
  component: string;
  impact: Impact;
  /** Alert episodes linked to it. */
  alertIds: string[];
}

export interface IncidentPlan {
  open: { component: string; impact: Impact; alertIds: string[] }[];
  extend: { incidentId: number; alertIds: string[]; impact: Impact }[];
  resolve: number[];
}

/**
 * One component has at most one automatic incident open: a new episode on it joins the open one
 * (raising its impact if worse) or opens one. An episode linked to an incident before (which a
 * person may have resolved by hand) opens nothing again. An automatic incident none of whose
 * episodes is still active is resolved.
 *
 * `linked` holds `<alert id>|<component>` for every link ever made. Episodes in `planned` (inside a
 * maintenance window) open nothing, since the page shows the maintenance, but still keep an
 * incident they already belong to open.
 */
export function planIncidents(
  components: readonly StatusComponent[],
  active: readonly ActiveAlert[],
  open: readonly OpenAutomaticIncident[],
  linked: ReadonlySet<string>,
  planned: ReadonlySet<string> = new Set(),
): IncidentPlan {
  const plan: IncidentPlan = { open: [], extend: [], resolve: [] };
  const activeIds = new Set(active.map((a) => a.id));
  const fresh = new Map<string, { impact: Impact; alertIds: string[] }>();
  for (const alert of active) {
    if (planned.has(alert.id)) continue;
    for (const component of componentsOf(components, alert.rule, alert.labels)) {
      if (linked.has(`${alert.id}|${component}`)) continue;
      const entry = fresh.get(component) ?? { impact: 'degraded' as Impact, alertIds: [] };
      entry.impact = worseImpact(entry.impact, impactOf(alert.severity));
      entry.alertIds.push(alert.id);
      fresh.set(component, entry);
    }
  }
  const openByComponent = new Map(open.map((i) => [i.component, i]));
  for (const [component, entry] of fresh) {
    const incident = openByComponent.get(component);
    if (incident) plan.extend.push({ incidentId: incident.id, alertIds: entry.alertIds, impact: worseImpact(incident.impact, entry.impact) });
    else plan.open.push({ component, ...entry });
  }
  for (const incident of open) {
    if (fresh.has(incident.component)) continue;
    if (!incident.alertIds.some((id) => activeIds.has(id))) plan.resolve.push(incident.id);
  }
  return plan;
}
