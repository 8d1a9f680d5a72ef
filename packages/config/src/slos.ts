import { z } from 'zod';
import { parseDuration } from '@vigia/core';

/**
 * `slos:` in monitoring.yaml: service level objectives, alerted on by their error-budget burn
 * rate (multi-window, multi-burn-rate). The longest burn window is 3 days, so an SLO window
 * shorter than that could never hold the windows its alerts compare.
 */

/** The longest burn-rate window the alerts read (3 d): an SLO window must be at least this long. */
export const LONGEST_BURN_WINDOW_MS = 3 * 86_400_000;

const metricName = z.string({ error: 'must be a metric name' }).regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name like api_requests_total');

const sliSchema = z.union(
  [
    z.strictObject({ errors: metricName, total: metricName }),
    z.strictObject({ good: metricName, total: metricName }),
    /** A success ratio per sample: 0-1, or 0-100 with `percent: true`. */
    z.strictObject({ ratio: metricName, percent: z.boolean().default(false) }),
    z.strictObject({ probe: z.string().min(1, 'must name a probe') }),
  ],
  { error: 'must be one of { errors: <counter>, total: <counter> }, { good: <counter>, total: <counter> }, { ratio: <metric> } or { probe: <probe name> }' },
);

export const sloSchema = z.strictObject({
  name: z.string({ error: 'is required' }).min(1, 'must not be empty'),
  objective: z
    .number({ error: (i) => (i.input === undefined ? 'is required (a percentage such as 99.9)' : `must be a number such as 99.9, got ${JSON.stringify(i.input)}`) })
    .superRefine((v, ctx) => {
      if (!(v > 0 && v < 100)) ctx.addIssue({ code: 'custom', message: `must be between 0 and 100 (exclusive), e.g. 99.9; got ${v}` });
    }),
  window: z
    .union([z.string(), z.number()], { error: 'is required (write it like 30d)' })
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (write it like 28d or 30d)` });
        return z.NEVER;
      }
      if (ms < LONGEST_BURN_WINDOW_MS) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is shorter than the longest burn-rate window (3d); use 3d or more, e.g. 30d` });
        return z.NEVER;
      }
      return ms;
    })
    .default(30 * 86_400_000),
  sli: sliSchema.optional(),
  /** Only series with these labels count (e.g. { service: checkout }). */
  labels: z.record(z.string(), z.string()).optional(),
}).superRefine((slo, ctx) => {
  if (slo.sli === undefined) ctx.addIssue({ code: 'custom', path: ['sli'], message: 'is required: { errors: <counter>, total: <counter> }, { good: …, total: … }, { ratio: <metric> } or { probe: <name> }' });
});

export const slosSchema = z
  .array(sloSchema)
  .default([])
  .superRefine((slos, ctx) => {
    const seen = new Set<string>();
    slos.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two SLOs are named "${s.name}"; names identify their alerts, so they must differ` });
      seen.add(s.name);
    });
  });

export type SloConfig = Omit<z.output<typeof sloSchema>, 'sli'> & { sli: NonNullable<z.output<typeof sloSchema>['sli']> };
