import { z } from 'zod';
import { parseDuration } from '@vigia/core';
import { probesSchema } from './probes.ts';
import { scrapeSchema } from './scrape.ts';
import { oncallSchema } from './oncall.ts';
import { slosSchema } from './slos.ts';
import { baselineSchema, checkRuleKind, predictSchema } from './history-rules.ts';
import { statusPageSchema } from './status-page.ts';

/** A duration written as `30s`, `5m`, `1h`, or a number of milliseconds; parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(value)} (write it like 30s, 5m, 1h or 7d)` });
    return z.NEVER;
  }
  return ms;
});

const positiveDuration = duration.refine((ms) => ms > 0, 'must be longer than 0');

export const OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const SEVERITIES = ['info', 'warning', 'critical', 'emergency'] as const;
export const REDUCERS = ['avg', 'min', 'max', 'last', 'p95', 'p99', 'sum', 'count', 'rate'] as const;

const collectorSettings = z
  .looseObject({
    enabled: z.boolean().default(true),
    interval: positiveDuration.optional(),
    timeout: positiveDuration.optional(),
  });

export const ruleSchema = z.strictObject({
  name: z.string().min(1),
  metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name like cpu_usage'),
  // Required unless the rule is a forecast or a baseline (checkRuleKind).
  operator: z.enum(OPERATORS, { error: (i) => `unknown operator ${JSON.stringify(i.input)} (use one of ${OPERATORS.join(' ')})` }).optional(),
  threshold: z.number({ error: (i) => `threshold must be a number, got ${JSON.stringify(i.input)}` }).optional(),
  for: duration.default(0),
  severity: z.enum(SEVERITIES, { error: (i) => `unknown severity ${JSON.stringify(i.input)} (use one of ${SEVERITIES.join(', ')})` }),
  labels: z.record(z.string(), z.string()).optional(),
  /** Combine every matching series into one before comparing (e.g. connections summed over states). */
  aggregate: z.enum(['sum', 'avg', 'min', 'max']).optional(),
  /** N of M: holds for a group of series (alike but for the `by` label) once `min_failing` of them hold. */
  locations: z
    .strictObject({
      min_failing: z.number({ error: 'must be a whole number of locations, like 2' }).int('must be a whole number').min(1, 'must be at least 1'),
      by: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name, like host').default('host'),
    })
    .optional(),
  reduce: z.enum(REDUCERS).optional(),
  window: positiveDuration.optional(),
  clear_threshold: z.number().optional(),
  keep_firing_for: duration.default(0),
  cooldown: duration.optional(),
  max_repeats: z.number().int().nonnegative().optional(),
  channels: z.array(z.string()).optional(),
  no_data: z.enum(['ok', 'alerting', 'keep']).default('ok'),
  annotations: z
    .strictObject({ summary: z.string().optional(), description: z.string().optional(), runbook_url: z.string().optional() })
    .default({}),
  /** A forecast rule: holds when a line fitted over `over` reaches `value` within `within`. */
  predict: predictSchema.optional(),
  /** A baseline rule: holds when the value leaves its usual band for this time of week. */
  baseline: baselineSchema.optional(),
}).superRefine(checkRuleKind);

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone (use an IANA name such as Europe/Lisbon or UTC)');

export const matchSchema = z.strictObject({ rule: z.string().optional(), labels: z.record(z.string(), z.string()).default({}) });

export const maintenanceWindowSchema = z
  .strictObject({
    name: z.string().min(1),
    every: z.enum(['daily', 'weekly', 'cron']),
    at: timeOfDay.optional(),
    days: z.array(z.enum(DAYS)).min(1).optional(),
    cron: z.string().regex(/^\S+(\s+\S+){4}$/, 'must be a five-field cron expression').optional(),
    duration: positiveDuration,
    timezone: timezone.default('UTC'),
    match: matchSchema.default({ labels: {} }),
    comment: z.string().optional(),
  })
  .superRefine((w, ctx) => {
    if (w.every !== 'cron' && !w.at) ctx.addIssue({ code: 'custom', path: ['at'], message: `a ${w.every} window needs at: HH:MM` });
    if (w.every === 'weekly' && !w.days) ctx.addIssue({ code: 'custom', path: ['days'], message: 'a weekly window needs days: [mon, …]' });
    if (w.every === 'cron' && !w.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'a cron window needs cron: "m h dom mon dow"' });
  });

const escalationStepSchema = z
  .strictObject({
    after: positiveDuration,
    channels: z.array(z.string()).default([]),
    /** Whoever is on call in each of these schedules (oncall.schedules), through their notification rules. */
    schedules: z.array(z.string()).default([]),
    /** These people (oncall.users), through their notification rules. */
    users: z.array(z.string()).default([]),
  })
  .refine((s) => s.channels.length + s.schedules.length + s.users.length > 0, 'a step needs at least one of channels, schedules or users');

export const fileSchema = z.strictObject({
  server: z.strictObject({ host: z.string().optional(), port: z.number().int().min(0).max(65535).optional(), public_url: z.url().optional() }).default({}),
  collection: z
    .strictObject({
      interval: positiveDuration.default(5_000),
      timeout: positiveDuration.default(10_000),
      /** For a machine whose hostname is not what people call it (a container's is its id); VIGIA_HOSTNAME wins. */
      host: z.string().trim().min(1, 'must not be empty (leave it out to use the machine’s hostname)').optional(),
    })
    .default({ interval: 5_000, timeout: 10_000 }),
  collectors: z.record(z.string(), collectorSettings.nullish().transform((v) => v ?? { enabled: true })).default({}),
  plugins: z.array(z.string()).default([]),
  plugin_dirs: z.array(z.string()).default([]),
  retention: z
    .strictObject({ raw: positiveDuration.default(48 * 3_600_000), '1m': positiveDuration.default(30 * 86_400_000), '1h': positiveDuration.default(400 * 86_400_000) })
    .default({ raw: 48 * 3_600_000, '1m': 30 * 86_400_000, '1h': 400 * 86_400_000 }),
  storage: z
    .strictObject({
      live_window: positiveDuration.default(3_600_000),
      flush_interval: positiveDuration.default(5_000),
      batch_size: z.number().int().positive().default(200_000),
      /** A series (pushed or collected) silent this long is marked stale and leaves /metrics. */
      stale_after: positiveDuration.default(5 * 60_000),
    })
    .default({ live_window: 3_600_000, flush_interval: 5_000, batch_size: 200_000, stale_after: 5 * 60_000 }),
  /** Cardinality guards on every ingest path (pushes and collectors): what one caller may cost everyone. */
  limits: z
    .strictObject({
      /** Distinct label sets one metric name may hold; a new one past this is refused. */
      series_per_metric: z.number().int().min(1).default(1_000),
      /** New series accepted per minute across all metrics and all API and worker processes. */
      new_series_per_minute: z.number().int().min(1).default(10_000),
      labels_per_sample: z.number().int().min(0).max(32, 'must be at most 32 (what a sample can carry)').default(20),
      label_name_length: z.number().int().min(1).max(1_024).default(100),
      label_value_length: z.number().int().min(1).max(1_024, 'must be at most 1024 (what a sample can carry)').default(1_024),
    })
    .default({ series_per_metric: 1_000, new_series_per_minute: 10_000, labels_per_sample: 20, label_name_length: 100, label_value_length: 1_024 }),
  auth: z.strictObject({ session_ttl: positiveDuration.default(12 * 3_600_000) }).default({ session_ttl: 12 * 3_600_000 }),
  alerts: z
    .strictObject({
      evaluation_interval: positiveDuration.default(5_000),
      default_cooldown: duration.default(30 * 60_000),
      /** How long the acknowledge / silence links in messages stay valid. */
      link_ttl: positiveDuration.default(24 * 3_600_000),
      /** How old the newest sample of a series may be before a `last` rule sees no data. */
      stale_after: positiveDuration.default(5 * 60_000),
      routing: z.partialRecord(z.enum(SEVERITIES), z.array(z.string())).default({}),
      /** Per severity: while an alert stays unacknowledged, page these channels, schedules (whoever is on call) or users after these delays. */
      escalation: z
        .partialRecord(z.enum(SEVERITIES), z.array(escalationStepSchema).min(1))
        .default({}),
      collector_down: z
        .strictObject({ enabled: z.boolean().default(true), for: duration.default(60_000), severity: z.enum(SEVERITIES).default('warning') })
        .default({ enabled: true, for: 60_000, severity: 'warning' }),
      delivery: z
        .strictObject({
          attempts: z.number().int().min(1).max(50).default(8),
          backoff: positiveDuration.default(2_000),
          timeout: positiveDuration.default(15_000),
          concurrency: z.number().int().min(1).max(500).default(50),
          /** How soon a delivery in the hands of a worker that died is handed to another. */
          stalled_check: positiveDuration.default(30_000),
        })
        .default({ attempts: 8, backoff: 2_000, timeout: 15_000, concurrency: 50, stalled_check: 30_000 }),
      rules: z.array(ruleSchema).default([]),
    })
    .default({
      evaluation_interval: 5_000,
      default_cooldown: 30 * 60_000,
      link_ttl: 24 * 3_600_000,
      stale_after: 5 * 60_000,
      routing: {},
      escalation: {},
      collector_down: { enabled: true, for: 60_000, severity: 'warning' },
      delivery: { attempts: 8, backoff: 2_000, timeout: 15_000, concurrency: 50, stalled_check: 30_000 },
      rules: [],
    }),
  channels: z.record(z.string(), z.looseObject({ type: z.string().optional(), enabled: z.boolean().optional() })).default({}),
  maintenance_windows: z.array(maintenanceWindowSchema).default([]),
  /** People, their contact methods and notification rules, and on-call schedules (oncall.ts). */
  oncall: oncallSchema,
  /** Checks from outside (HTTP, TCP, DNS, TLS, PostgreSQL, Redis), run by the probe collector. */
  probes: probesSchema,
  /** Prometheus exporters scraped by the scrape collector (scrape.ts). */
  scrape: scrapeSchema,
  /** Service level objectives, alerted on by error-budget burn rate (slos.ts). */
  slos: slosSchema,
  /** The public status page at /status (status-page.ts). */
  status_page: statusPageSchema,
  log_level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
});

export type ConfigFile = z.output<typeof fileSchema>;
export type AlertRuleConfig = z.output<typeof ruleSchema>;
export type MaintenanceWindowConfig = z.output<typeof maintenanceWindowSchema>;
