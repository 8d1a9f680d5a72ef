import { z } from 'zod';

export const configSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte; when unset, true on port 465 and STARTTLS (when offered) elsewhere. */
  secure: z.boolean().optional(),
  /** Without a user the plugin does not authenticate. */
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  from: z.email(),
  to: z.array(z.email()).min(1),
  subject_prefix: z.string().default('[Vigia]'),
  /** Budget for one delivery: connecting, the SMTP dialogue and the upload together. */
  timeout_ms: z.number().int().positive().default(10_000),
});

export type EmailConfig = z.infer<typeof configSchema>;
