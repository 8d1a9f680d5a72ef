import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `required: ${what}` : undefined);

export const configSchema = z.object({
  /** The bot's token from @BotFather; it sits in every request's path, so it is listed in `secrets`. */
  token: z.string({ error: required('the bot token from @BotFather, such as 123456789:AA…') }).regex(/^\d+:[A-Za-z0-9_-]+$/, 'not a bot token: @BotFather gives one shaped like 123456789:AA…'),
  /** A user, group or channel id (groups and channels are negative), or a public channel's @username. */
  chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$/, 'a numeric chat id such as -1001234567890, or @channelname')], {
    error: required('the chat to post to (a numeric id such as -1001234567890, or @channelname)'),
  }),
  /** A forum topic of the group, when alerts go to one topic. */
  message_thread_id: z.number().int().positive().optional(),
  /** The Bot API server (a self-hosted one, or a local stand-in in tests). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.telegram.org' }).default('https://api.telegram.org'),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type TelegramConfig = z.infer<typeof configSchema>;
