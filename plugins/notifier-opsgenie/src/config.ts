import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `required: ${what}` : undefined);

/** Who Opsgenie notifies, as its Alert API takes them: by id, or by name (username for users). */
const responder = z
  .object({
    type: z.enum(['team', 'user', 'escalation', 'schedule']),
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
  })
  .refine((r) => r.id || (r.type === 'user' ? r.username : r.name), { message: 'give id, or name (username for a user)' });

export const configSchema = z.object({
  /** The API key of an Opsgenie "API" integration; listed in `secrets`. */
  api_key: z
    .string({ error: required('the API key of an Opsgenie API integration') })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'not an Opsgenie API key: it looks like 01234567-89ab-cdef-0123-456789abcdef'),
  /** The Alert API: https://api.eu.opsgenie.com for EU accounts, or a local stand-in in tests. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.opsgenie.com' }).default('https://api.opsgenie.com'),
  /** Who is notified; without them, the integration's own team and rules decide. */
  responders: z.array(responder).max(50).optional(),
  /** Added to every alert, after Vigia's own `vigia` and severity tags. */
  tags: z.array(z.string().min(1).max(50)).max(18).optional(),
  /** `entity` of the alert, e.g. the service the alerts are about. */
  entity: z.string().min(1).max(512).optional(),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type OpsgenieConfig = z.infer<typeof configSchema>;
