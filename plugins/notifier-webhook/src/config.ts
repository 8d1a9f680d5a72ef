import { z } from 'zod';

// Checked here rather than at send time: fetch would throw on a bad header on every attempt, and
// the host would retry a message that can never go out.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

export const configSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** Sent as `Authorization: Bearer <auth_token>`. */
  auth_token: z.string().min(1).optional(),
  /** Key for the `X-Vigia-Signature` HMAC; see README.md for how receivers verify it. */
  signing_secret: z.string().min(1).optional(),
  format: z.enum(['vigia', 'alertmanager']).default('vigia'),
  timeout_ms: z.number().int().positive().default(10_000),
  /** Extra request headers; the ones this plugin sets itself (content type, auth, signature) win. */
  headers: z.record(headerName, headerValue).optional(),
});

export type WebhookConfig = z.infer<typeof configSchema>;
