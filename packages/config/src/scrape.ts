import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '@vigia/core';

/**
 * `scrape:` in monitoring.yaml: Prometheus exporters (node, postgres, redis…) whose `/metrics`
 * Vigia reads itself, like a Prometheus `scrape_configs` entry with one target. Validated here so
 * a bad target stops the start with its key, and handed to the scrape collector normalised
 * (durations in ms, regexes checked, files resolved against the config file's folder).
 */

const ms = (what: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const parsed = parseDuration(value);
    if (parsed === null || parsed <= 0) {
      ctx.addIssue({ code: 'custom', message: `invalid ${what}: ${JSON.stringify(value)} (write it like 500ms, 10s or 1m)` });
      return z.NEVER;
    }
    return parsed;
  });

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const nonEmpty = (what: string) => z.string({ error: `is required (${what})` }).min(1, `must not be empty (${what})`);

/**
 * The URL of the exporter's page. It is shown (facts, logs), so it must not carry a password:
 * the message does not repeat it either.
 */
const targetUrl = z.string({ error: 'is required (the exporter’s metrics page, like http://10.0.0.5:9100/metrics)' }).superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a valid URL (write it like http://10.0.0.5:9100/metrics)' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must start with http:// or https:// (got ${url.protocol}//)` });
  else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not hold a user or password: put them under basic_auth (the URL is shown, they are not)' });
});

const basicAuth = z
  .strictObject({
    username: nonEmpty('the user name'),
    password: z.string().optional(),
    /** Read at every scrape, so a rotated password needs no restart. */
    password_file: z.string().min(1).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.password !== undefined && b.password_file !== undefined) ctx.addIssue({ code: 'custom', path: ['password_file'], message: 'give password or password_file, not both' });
  });

const tlsOptions = z.strictObject({
  /** PEM file of the CA that signed the exporter's certificate (in addition to the system's). */
  ca_file: z.string().min(1).optional(),
  /** A client certificate and its key, for exporters that ask for one (mutual TLS). */
  cert_file: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
  /** The name the certificate must hold, when the URL uses another (an IP address). */
  server_name: z.string().min(1).optional(),
  insecure_skip_verify: z.boolean().default(false),
});

const RELABEL_ACTIONS = ['keep', 'drop'] as const;
const relabelRule = z
  .strictObject({
    action: z.enum(RELABEL_ACTIONS, { error: `must be ${RELABEL_ACTIONS.join(' or ')}` }),
    /** The label whose value the regex must match whole; `__name__` is the metric name. */
    label: z
      .string()
      .regex(LABEL_NAME, 'must be a label name like mode (or __name__ for the metric name)')
      .default('__name__'),
    regex: z.string({ error: 'is required (matched against the whole label value)' }).superRefine((value, ctx) => {
      try {
        new RegExp(`^(?:${value})$`);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` });
      }
    }),
  });

const RESERVED_LABELS = ['job', 'instance'];

const scrapeTarget = z
  .strictObject({
    /** The `job` label of every series of this target; several targets may share one. */
    job: z
      .string({ error: 'is required (the job label, like node)' })
      .min(1, 'must not be empty')
      .max(200),
    /** Names the target's collector (`scrape:<name>`); defaults to the job. Unique. */
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/, 'may only hold letters, digits, _ . and - (it names the target’s collector scrape:<name>)')
      .max(100)
      .optional(),
    url: targetUrl,
    /** The `instance` label; defaults to the URL's host:port, as Prometheus does. */
    instance: z.string().min(1).max(200).optional(),
    interval: ms('interval').default(30_000),
    timeout: ms('timeout').optional(),
    bearer_token: z.string().min(1, 'must not be empty').optional(),
    /** Read at every scrape, so a rotated token needs no restart. */
    bearer_token_file: z.string().min(1).optional(),
    basic_auth: basicAuth.optional(),
    tls: tlsOptions.optional(),
    /** On a clash, keep the exporter's job/instance/labels instead of renaming them exported_<name>. */
    honor_labels: z.boolean().default(false),
    labels: z
      .record(z.string(), z.string({ error: 'label values must be strings' }))
      .superRefine((labels, ctx) => {
        for (const key of Object.keys(labels)) {
          if (!LABEL_NAME.test(key) || key.startsWith('__')) ctx.addIssue({ code: 'custom', path: [key], message: 'label names must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __' });
          else if (RESERVED_LABELS.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: `set ${key} with the target's own ${key}: key` });
        }
      })
      .default({}),
    /** Applied in order to every scraped series, after the target's labels are added. */
    relabel: z.array(relabelRule).default([]),
    /** More samples than this in one answer fail the scrape (Prometheus' sample_limit). */
    sample_limit: z.number().int().positive().max(1_000_000).default(50_000),
    /** An answer larger than this (after decompression) fails the scrape. */
    body_size_limit: z.number().int().positive().default(16 * 1024 * 1024),
  })
  .superRefine((t, ctx) => {
    const timeout = t.timeout ?? Math.min(10_000, t.interval);
    if (timeout > t.interval) ctx.addIssue({ code: 'custom', path: ['timeout'], message: `must not be longer than the interval (${t.interval} ms): the next scrape would start before this one ends` });
    const auths = (['bearer_token', 'bearer_token_file', 'basic_auth'] as const).filter((k) => t[k] !== undefined);
    if (auths.length > 1) ctx.addIssue({ code: 'custom', path: [auths[1]!], message: `give one way to log in; this target has ${auths.join(' and ')}` });
    if (t.tls && !t.url.startsWith('https:')) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls options need an https:// url' });
    if (t.tls && (t.tls.cert_file === undefined) !== (t.tls.key_file === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls', t.tls.cert_file === undefined ? 'cert_file' : 'key_file'], message: 'cert_file and key_file go together (a client certificate and its key)' });
    }
  })
  .transform((t) => {
    const url = new URL(t.url);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return {
      name: t.name ?? t.job,
      job: t.job,
      url: t.url,
      instance: t.instance ?? `${url.hostname}:${port}`,
      intervalMs: t.interval,
      timeoutMs: t.timeout ?? Math.min(10_000, t.interval),
      auth: t.basic_auth
        ? { type: 'basic' as const, username: t.basic_auth.username, password: t.basic_auth.password, passwordFile: t.basic_auth.password_file }
        : t.bearer_token !== undefined || t.bearer_token_file !== undefined
          ? { type: 'bearer' as const, token: t.bearer_token, tokenFile: t.bearer_token_file }
          : undefined,
      tls: {
        caFile: t.tls?.ca_file,
        certFile: t.tls?.cert_file,
        keyFile: t.tls?.key_file,
        serverName: t.tls?.server_name,
        insecureSkipVerify: t.tls?.insecure_skip_verify ?? false,
      },
      honorLabels: t.honor_labels,
      labels: t.labels,
      relabel: t.relabel,
      sampleLimit: t.sample_limit,
      bodySizeLimit: t.body_size_limit,
    };
  });

export const scrapeSchema = z
  .array(scrapeTarget)
  .default([])
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `another target is already named "${t.name}" (targets of one job need a name: each)` });
      seen.add(t.name);
    });
  });

export type ScrapeTargetConfig = z.output<typeof scrapeTarget>;

/** The target with its files (token, password, CA, client certificate) resolved against `baseDir`. */
export function resolveScrapeFiles(target: ScrapeTargetConfig, baseDir: string): ScrapeTargetConfig {
  const at = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(baseDir, p));
  const auth =
    target.auth?.type === 'bearer'
      ? { ...target.auth, tokenFile: at(target.auth.tokenFile) }
      : target.auth?.type === 'basic'
        ? { ...target.auth, passwordFile: at(target.auth.passwordFile) }
        : undefined;
  return { ...target, auth, tls: { ...target.tls, caFile: at(target.tls.caFile), certFile: at(target.tls.certFile), keyFile: at(target.tls.keyFile) } };
}
