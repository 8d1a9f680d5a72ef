import { z } from 'zod';

export const configSchema = z.object({
  /** The Redis the applications write to (`redis://[:password@]host:port[/db]`). */
  url: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** The seed's key prefix: keys are `<prefix>metrics:request_count` and so on. */
  prefix: z.string().default('mcp:'),
  /** Most response times read per tick; older ones beyond it are dropped and counted. */
  max_list_length: z.number().int().positive().default(100_000),
});

export type ApiConfig = z.infer<typeof configSchema>;

export function keysOf(prefix: string) {
  return {
    requests: `${prefix}metrics:request_count`,
    errors: `${prefix}metrics:error_count`,
    responseTimes: `${prefix}metrics:response_times`,
    /** Previous counter snapshot, shared by every worker that runs this collector. */
    state: `${prefix}vigia:state:api`,
  };
}
