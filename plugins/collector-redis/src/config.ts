import { z } from 'zod';

export const configSchema = z.object({
  /** The monitored Redis (`redis://[:password@]host:port[/db]`, `rediss://` for TLS). */
  url: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** The seed's key prefix; this collector keeps its state under `<prefix>vigia:state:redis`. */
  prefix: z.string().default('mcp:'),
});

export type RedisConfig = z.infer<typeof configSchema>;
