import { z } from 'zod';

/** A time in a query string: ISO 8601, or milliseconds since the epoch. */
export const timeParam = z.string().transform((text, ctx) => {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${JSON.stringify(text)} (use ISO 8601 or milliseconds since the epoch)` });
    return z.NEVER;
  }
  return ms;
});

export const iso = (ms: number) => new Date(ms).toISOString();
