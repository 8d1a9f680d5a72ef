import { z } from 'zod';

// https://discord.com/api/webhooks/<id>/<token>: the path is the credential, so `url` is a secret.
const WEBHOOK_PATH = /\/webhooks\/[^/]+\/[^/]+\/?$/;

export const configSchema = z.strictObject({
  // zod runs the refinement even after the URL check failed, hence the canParse guard.
  url: z
    .url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'required: the channel webhook URL' : undefined) })
    .refine((url) => !URL.canParse(url) || WEBHOOK_PATH.test(new URL(url).pathname), {
      message: 'not a Discord webhook URL: it looks like https://discord.com/api/webhooks/<id>/<token> (channel settings → Integrations → Webhooks → Copy Webhook URL)',
    }),
  /** Overrides the webhook's own name and avatar. */
  username: z.string().min(1).max(80).default('Vigia'),
  avatar_url: z.url({ protocol: /^https?$/ }).optional(),
  /** Posts into this thread of the webhook's channel (forum or text channel thread). */
  thread_id: z.string().regex(/^\d+$/, 'a thread id is a number (Discord: right-click the thread → Copy Thread ID)').optional(),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type DiscordConfig = z.infer<typeof configSchema>;
