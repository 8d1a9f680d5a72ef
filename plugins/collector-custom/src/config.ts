import { z } from 'zod';

export const configSchema = z.object({
  /** The Redis the applications write to (`redis://[:password@]host:port[/db]`). */
  url: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** The seed's key prefix: the set is `<prefix>custom_metrics`, each metric `<prefix>custom_metric:<name>`. */
  prefix: z.string().default('mcp:'),
  /** Most custom series read per tick, so a runaway writer cannot flood the history. */
  max_metrics: z.number().int().positive().default(1_000),
});

export type CustomConfig = z.infer<typeof configSchema>;
