import { z } from 'zod';

export const configSchema = z
  .strictObject({
    /** The ntfy server: ntfy.sh or your own (a path prefix such as https://example.com/ntfy is kept). */
    url: z.url({ protocol: /^https?$/ }).default('https://ntfy.sh'),
    /** On a public server the topic name is all that protects it: pick one that is hard to guess. */
    topic: z
      .string({ error: (issue) => (issue.input === undefined ? 'required: the topic to publish to, e.g. acme-oncall' : undefined) })
      .regex(/^[-_A-Za-z0-9]{1,64}$/, 'a topic is 1 to 64 letters, digits, - or _'),
    /** An access token (tk_…), sent as `Authorization: Bearer`. */
    token: z.string().min(1).optional(),
    /** Or a user and password, sent as HTTP Basic. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** More tags shown with every message (emoji short codes such as `rotating_light`, or words). */
    tags: z.array(z.string().regex(/^[^,\s]+$/, 'a tag has no spaces or commas')).default([]),
    timeout_ms: z.number().int().positive().default(10_000),
  })
  .refine((c) => !c.username === !c.password, { message: 'give username and password together', path: ['password'] })
  .refine((c) => !(c.token && c.username), { message: 'give either token or username/password, not both', path: ['token'] });

export type NtfyConfig = z.infer<typeof configSchema>;
