import { z } from 'zod';

export const configSchema = z
  .object({
    /** The incoming-webhook URL; it is the credential, so it is listed in `secrets`. */
    webhook_url: z.url({ protocol: /^https?$/ }).optional(),
    /**
     * A bot token (xoxb-…): messages go through chat.postMessage to `channel`, and every later
     * transition of the same alert edits that message in place (chat.update).
     */
    bot_token: z.string().min(1).optional(),
    /** Slack's Web API (a test points it at a local stand-in). */
    api_url: z.url({ protocol: /^https?$/ }).default('https://slack.com/api'),
    /** Only legacy webhooks honour these three; app webhooks post to their own channel as the app. */
    channel: z.string().min(1).optional(),
    username: z.string().min(1).default('Vigia'),
    icon_emoji: z
      .string()
      .regex(/^:[^:\s]+:$/, 'an emoji name such as :rotating_light:')
      .optional(),
    timeout_ms: z.number().int().positive().default(10_000),
    /**
     * Buttons that Slack posts back to Vigia (POST /api/integrations/slack/actions, verified with
     * SLACK_SIGNING_SECRET) instead of links to confirmation pages. Needs a Slack app with
     * interactivity pointing at that URL.
     */
    interactive: z.boolean().default(false),
  })
  .refine((c) => c.webhook_url || c.bot_token, { message: 'give webhook_url or bot_token', path: ['webhook_url'] })
  .refine((c) => !c.bot_token || c.channel, { message: 'a bot token posts to a channel: give channel (e.g. #alerts or its id)', path: ['channel'] });

export type SlackConfig = z.infer<typeof configSchema>;
