import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `required: ${what}` : undefined);

export const configSchema = z.object({
  /** The Integration Key of an Events API v2 integration (or of an event ruleset); listed in `secrets`. */
  routing_key: z
    .string({ error: required('the 32-character Integration Key of an Events API v2 integration') })
    .regex(/^[A-Za-z0-9]{32}$/, 'not an Events API v2 Integration Key: it is 32 letters and digits'),
  /** The Events API (the EU service region, or a local stand-in in tests). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://events.pagerduty.com' }).default('https://events.pagerduty.com'),
  /** `payload.source`; by default the alert's `host` or `instance` label, else "vigia". */
  source: z.string().min(1).max(255).optional(),
  /** `payload.group`, e.g. the service or stack the alerts belong to. */
  group: z.string().min(1).max(255).optional(),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type PagerDutyConfig = z.infer<typeof configSchema>;
