import { describe, expect, it } from 'vitest';
import { componentsOf, impactOf, planIncidents, type StatusComponent } from '../src/index.ts';

const components: StatusComponent[] = [
  { name: 'Website', probe: 'web' },
  { name: 'Payments', match: { rule: 'Payment errors', labels: {} } },
  { name: 'Database', match: { labels: { service: 'db' } } },
];

describe('status page components and incidents', () => {
  it('maps an alert to components by its probe label, its rule, or its labels', () => {
    expect(componentsOf(components, 'Probe Target Down', { probe: 'web', host: 'a' })).toEqual(['Website']);
    expect(componentsOf(components, 'Payment errors', {})).toEqual(['Payments']);
    expect(componentsOf(components, 'Disk full', { service: 'db', host: 'x' })).toEqual(['Database']);
    expect(componentsOf(components, 'Disk full', { service: 'cache' })).toEqual([]);
  });

  it('calls critical and emergency a major outage, the rest degraded', () => {
    expect(['info', 'warning', 'critical', 'emergency'].map(impactOf)).toEqual(['degraded', 'degraded', 'major', 'major']);
  });

  it('opens one incident per component for new episodes, at the worst severity', () => {
    const plan = planIncidents(
      components,
      [
        { id: 'a1', rule: 'Probe Target Down', labels: { probe: 'web', host: 'a' }, severity: 'warning' },
        { id: 'a2', rule: 'Probe Target Down', labels: { probe: 'web', host: 'b' }, severity: 'critical' },
        { id: 'a3', rule: 'Other', labels: {}, severity: 'critical' },
      ],
      [],
      new Set(),
    );
    expect(plan).toEqual({ open: [{ component: 'Website', impact: 'major', alertIds: ['a1', 'a2'] }], extend: [], resolve: [] });
  });

  it('joins a new episode to the open incident and leaves linked episodes alone', () => {
    const open = [{ id: 7, component: 'Website', impact: 'degraded' as const, alertIds: ['a1'] }];
    const active = [
      { id: 'a1', rule: 'r', labels: { probe: 'web' }, severity: 'warning' },
      { id: 'a2', rule: 'r', labels: { probe: 'web' }, severity: 'emergency' },
    ];
    expect(planIncidents(components, active, open, new Set(['a1|Website']))).toEqual({ open: [], extend: [{ incidentId: 7, alertIds: ['a2'], impact: 'major' }], resolve: [] });
    expect(planIncidents(components, active, open, new Set(['a1|Website', 'a2|Website']))).toEqual({ open: [], extend: [], resolve: [] });
  });

  it('resolves an automatic incident once none of its episodes is active, and does not reopen one a person resolved', () => {
    const open = [{ id: 7, component: 'Website', impact: 'major' as const, alertIds: ['a1'] }];
    expect(planIncidents(components, [], open, new Set(['a1|Website'])).resolve).toEqual([7]);
    const stillFiring = [{ id: 'a1', rule: 'r', labels: { probe: 'web' }, severity: 'critical' }];
    expect(planIncidents(components, stillFiring, [], new Set(['a1|Website']))).toEqual({ open: [], extend: [], resolve: [] });
  });

  it('opens nothing for an episode inside a maintenance window, yet keeps its incident open', () => {
    const active = [{ id: 'm1', rule: 'r', labels: { probe: 'web' }, severity: 'critical' }];
    expect(planIncidents(components, active, [], new Set(), new Set(['m1']))).toEqual({ open: [], extend: [], resolve: [] });
    const open = [{ id: 7, component: 'Website', impact: 'major' as const, alertIds: ['m1'] }];
    expect(planIncidents(components, active, open, new Set(['m1|Website']), new Set(['m1'])).resolve).toEqual([]);
  });
});
