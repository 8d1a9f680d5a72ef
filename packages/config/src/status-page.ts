import { z } from 'zod';
import { parseDuration } from '@vigia/core';

/**
 * `status_page:` in monitoring.yaml: the public page at /status. Only what is written here is
 * shown (component names and descriptions, incident texts people post); rule names, hosts,
 * label values and metric values never are.
 */

const refresh = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null || ms < 500 || ms > 60_000) {
    ctx.addIssue({ code: 'custom', message: `must be a duration from 500ms to 1m, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

const componentSchema = z
  .strictObject({
    name: z.string({ error: 'is required (the name the public sees)' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    description: z.string().max(500, 'must be at most 500 characters').optional(),
    /** Alerts carrying `probe=<this>` and this probe's uptime. */
    probe: z.string().trim().min(1, 'must not be empty').optional(),
    /** Alerts of this rule and/or carrying these labels (as maintenance_windows match them). */
    match: z.strictObject({ rule: z.string().min(1, 'must not be empty').optional(), labels: z.record(z.string(), z.string()).default({}) }).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.probe && !c.match) ctx.addIssue({ code: 'custom', message: 'needs probe: <probe name> or match: { rule, labels } to know which alerts concern it' });
    if (c.match && !c.match.rule && Object.keys(c.match.labels).length === 0) ctx.addIssue({ code: 'custom', path: ['match'], message: 'matches every alert; give a rule or labels' });
  });

export const statusPageSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }).default(false),
    title: z.string().trim().min(1, 'must not be empty').max(200).default('Service status'),
    /** How often the page is rebuilt from the database; what visitors get in between is the cached copy. */
    refresh: refresh.default(2_000),
    /** Show each probe component's 90-day uptime bar. */
    show_uptime: z.boolean().default(true),
    components: z.array(componentSchema).default([]),
  })
  .superRefine((page, ctx) => {
    const seen = new Set<string>();
    page.components.forEach((c, i) => {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['components', i, 'name'], message: `${JSON.stringify(c.name)} is used by another component` });
      seen.add(c.name);
    });
  })
  .default({ enabled: false, title: 'Service status', refresh: 2_000, show_uptime: true, components: [] });

export type StatusPageConfig = z.output<typeof statusPageSchema>;
export type StatusComponentConfig = StatusPageConfig['components'][number];

/**
 * Components that will never show anything: a `probe` that is neither in monitoring.yaml nor among
 * `probes` (those added in the dashboard, when the caller knows them), a `match.rule` no rule has,
 * or `match.labels` that the matched rule's own label filter rules out. Warnings rather than errors:
 * the page still starts, and shows such a component as operational without an uptime bar.
 */
export function statusComponentProblems(page: StatusPageConfig, probes: Iterable<string>, rules: readonly { name: string; labels?: Record<string, string> }[]): string[] {
  const knownProbes = new Set(probes);
  const problems: string[] = [];
  page.components.forEach((c, i) => {
    const where = `status_page.components[${i}]`;
    if (c.probe !== undefined && !knownProbes.has(c.probe)) {
      problems.push(`${where}.probe (component ${JSON.stringify(c.name)}): no probe named "${c.probe}" under probes or added in the dashboard (have: ${[...knownProbes].sort().join(', ') || 'none'}); it shows no uptime bar`);
    }
    if (c.match?.rule === undefined) return;
    const rule = rules.find((r) => r.name === c.match!.rule);
    if (!rule) {
      problems.push(`${where}.match.rule (component ${JSON.stringify(c.name)}): no rule named "${c.match.rule}"; no alert will ever open an incident on it`);
      return;
    }
    // An alert of the rule carries the rule's label filter as is: a different value can never match.
    const clash = Object.entries(c.match.labels).find(([key, value]) => rule.labels?.[key] !== undefined && rule.labels[key] !== value);
    if (clash) {
      problems.push(
        `${where}.match.labels (component ${JSON.stringify(c.name)}): ${clash[0]}="${clash[1]}" never matches rule "${rule.name}", which only watches ${clash[0]}="${rule.labels![clash[0]]}"; no alert will ever open an incident on it`,
      );
    }
  });
  return problems;
}
