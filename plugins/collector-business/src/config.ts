import { z } from 'zod';
import { parseDuration } from '@vigia/plugin-sdk';
import { METRIC_NAME } from '@vigia/plugin-sdk';

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `invalid interval ${JSON.stringify(value)} (write it like 30s, 5m or 1h)` });
    return z.NEVER;
  }
  return ms;
});

/** The monitored database, with the same options as the postgres collector. */
const databaseSchema = z.object({
  url: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must start with postgres:// or postgresql://')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1).default('postgres'),
  user: z.string().min(1).default('postgres'),
  password: z.string().optional(),
});

const querySchema = z.object({
  /** The series name the result is stored under. */
  name: z.string().regex(METRIC_NAME, 'must be a metric name like orders_pending').max(200),
  /** One SELECT; it runs in a read-only transaction. */
  sql: z.string().min(1),
  /** Run at most this often (`1m`, `1h`); every tick when absent. */
  interval: duration.optional(),
  unit: z.string().max(32).optional(),
  help: z.string().optional(),
});

export const configSchema = z.object({
  /** The Redis the applications write to (`redis://[:password@]host:port[/db]`). */
  url: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  /** The seed's key prefix: keys are `<prefix>metrics:orders:today` and so on. */
  prefix: z.string().default('mcp:'),
  database: databaseSchema.default(databaseSchema.parse({})),
  queries: z
    .array(querySchema)
    .default([])
    .superRefine((queries, ctx) => {
      const seen = new Set<string>();
      queries.forEach((q, i) => {
        if (seen.has(q.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two queries are named ${q.name}` });
        seen.add(q.name);
      });
    }),
  /** Server-side limit on each query. */
  statement_timeout_ms: z.number().int().positive().default(5_000),
});

export type BusinessConfig = z.infer<typeof configSchema>;
export type BusinessQuery = BusinessConfig['queries'][number];
export type DatabaseOptions = BusinessConfig['database'];
