import { z } from 'zod';

// E.164: a +, a country code that does not start with 0, at most 15 digits in all, nothing else.
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an E.164 phone number (+, country code and digits, no spaces: e.g. +5511999990000)`,
});

export const configSchema = z.object({
  /** The provider's API (Twilio, or anything that answers like its Messages API; tests use a local server). */
  url: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  /** Goes into the path and, with the token, into HTTP Basic auth. */
  account_sid: z.string({ error: 'required: the provider account SID (e.g. AC…)' }).regex(/^[A-Za-z0-9]+$/, 'must be letters and digits (e.g. AC followed by 32 hex digits)'),
  auth_token: z.string({ error: 'required: the provider auth token' }).min(1, 'must not be empty'),
  from: phone,
  /** One number or a list: each recipient gets their own message, with links signed for them. */
  to: z.preprocess(
    (value) => (typeof value === 'string' ? [value] : value),
    z
      .array(phone, { error: 'required: a phone number or a list of them' })
      .min(1, 'give at least one phone number')
      .refine((numbers) => new Set(numbers).size === numbers.length, 'a number is listed twice'),
  ),
  /** Call and read the alert out (POST …/Calls.json with TwiML) instead of sending an SMS. */
  voice: z.boolean().default(false),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type SmsConfig = z.infer<typeof configSchema>;
