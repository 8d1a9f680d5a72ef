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
