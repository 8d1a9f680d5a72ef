import { z } from 'zod';

// Pushover application tokens and user/group keys are 30 letters and digits.
const key = (what: string) => z.string({ error: `required: your Pushover ${what}` }).regex(/^[A-Za-z0-9]{30}$/, `must be a Pushover ${what}: 30 letters and digits`);
const priority = z.number().int().min(-2).max(2);

export const configSchema = z.object({
  /** Pushover's API (a test points it at a local stand-in). */
  url: z.url({ protocol: /^https?$/ }).default('https://api.pushover.net'),
  /** The application's API token: it is the credential, listed in `secrets`. */
  token: key('application token'),
  /** The user or group key messages go to. */
  user: key('user or group key'),
  /** Only these devices of the user (comma-separated names); all of them when absent. */
  device: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,25}(,[A-Za-z0-9_-]{1,25})*$/, 'device names (up to 25 letters, digits, _ or -), separated by commas')
    .optional(),
  sound: z.string().min(1).optional(),
  /** Pushover priority per severity: -2 silent … 2 emergency (repeated until acknowledged in the app). */
  priorities: z.object({ info: priority.default(-1), warning: priority.default(0), critical: priority.default(1), emergency: priority.default(2) }).prefault({}),
  /** Emergency messages: seconds between Pushover's repeats (at least 30) and for how long (at most 3 h). */
  retry: z.number().int().min(30, 'Pushover repeats no more often than every 30 s').default(60),
  expire: z.number().int().min(30).max(10_800, 'Pushover repeats an emergency message for at most 10800 s (3 h)').default(3600),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type PushoverConfig = z.infer<typeof configSchema>;
