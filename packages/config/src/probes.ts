import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from '@vigia/core';

/**
 * `probes:` in monitoring.yaml: checks of the service from outside (HTTP, TCP, DNS, TLS, a real
 * PostgreSQL or Redis login). Validated here so a bad probe stops the start with its key, and
 * handed to the probe collector already normalised (durations in ms, status ranges parsed).
 */

const ms = (fallbackMessage: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const parsed = parseDuration(value);
    if (parsed === null || parsed <= 0) {
      ctx.addIssue({ code: 'custom', message: `${fallbackMessage}: ${JSON.stringify(value)} (write it like 500ms, 10s or 1m)` });
      return z.NEVER;
    }
    return parsed;
  });

const port = z.number({ error: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1-65535').max(65_535, 'must be 1-65535');
const host = z.string({ error: 'is required (a host name or address)' }).trim().min(1, 'must not be empty');

const urlWithSchemes = (schemes: string[]) =>
  z.string({ error: 'is required' }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a valid URL: ${JSON.stringify(value)}` });
      return;
    }
    if (!schemes.includes(url.protocol.replace(/:$/, ''))) {
      ctx.addIssue({ code: 'custom', message: `must start with ${schemes.map((s) => `${s}://`).join(' or ')} (got ${url.protocol}//)` });
    }
  });

function statusRange(value: unknown): [number, number] | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  const match = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(String(value).trim());
  if (!match) return null;
  const low = Number(match[1]);
  const high = match[2] ? Number(match[2]) : low;
  return low >= 100 && high <= 599 && low <= high ? [low, high] : null;
}

/** `200`, `"200-299"`, or a list of either: the statuses a check accepts. */
const expectStatus = z.unknown().transform((value, ctx) => {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one status' });
  const ranges: [number, number][] = [];
  for (const item of items) {
    const range = statusRange(item);
    if (range) ranges.push(range);
    else ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)} is not a status or range like 200 or 200-299` });
  }
  return ranges;
});

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const httpCheck = z
  .strictObject({
    url: urlWithSchemes(['http', 'https']),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }))
      .default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    expect_status: expectStatus.optional().transform((r) => r ?? ([[200, 399]] as [number, number][])),
    keyword: z.string().min(1).optional(),
    keyword_absent: z.string().min(1).optional(),
    json_path: z.string().min(1).optional(),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    follow_redirects: z.boolean().default(true),
    tls_verify: z.boolean().default(true),
  })
  .superRefine((h, ctx) => {
    if (h.json_path !== undefined && h.equals === undefined) ctx.addIssue({ code: 'custom', path: ['equals'], message: 'json_path needs equals: the value expected there' });
    if (h.equals !== undefined && h.json_path === undefined) ctx.addIssue({ code: 'custom', path: ['json_path'], message: 'equals needs json_path: where in the JSON answer to look' });
  })
  .transform(({ expect_status, follow_redirects, tls_verify, keyword_absent, json_path, ...rest }) => ({
    ...rest,
    expectStatus: expect_status,
    followRedirects: follow_redirects,
    tlsVerify: tls_verify,
    keywordAbsent: keyword_absent,
    jsonPath: json_path,
  }));

const tcpCheck = z.strictObject({ host, port });

export const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT'] as const;
const dnsCheck = z.strictObject({
  name: host,
  type: z
    .string()
    .transform((t) => t.toUpperCase())
    .pipe(z.enum(DNS_TYPES, { error: `must be one of ${DNS_TYPES.join(', ')}` }))
    .default('A'),
  /** `10.0.0.2` or `10.0.0.2:5353`; the system's resolvers when left out. */
  server: z
    .string()
    .trim()
    .refine((v) => isIP(v.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^([^:]+):\d+$/, '$1')) !== 0, 'must be an IP address, optionally with :port (10.0.0.2, 10.0.0.2:5353, [::1]:53)')
    .optional(),
  /** Any one of these among the answers passes. */
  expect: z
    .union([z.string(), z.array(z.string()).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
}).transform(({ type, ...rest }) => ({ ...rest, recordType: type }));

const tlsCheck = z.strictObject({ host, port: port.default(443), tls_verify: z.boolean().default(true) }).transform(({ tls_verify, ...rest }) => ({ ...rest, tlsVerify: tls_verify }));
const postgresCheck = z.strictObject({ url: urlWithSchemes(['postgres', 'postgresql']), query: z.string().min(1).default('SELECT 1') });
const redisCheck = z.strictObject({ url: urlWithSchemes(['redis', 'rediss']) });

export const PROBE_TYPES = ['http', 'tcp', 'dns', 'tls', 'postgres', 'redis'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];
const RESERVED_LABELS = ['probe', 'host', 'reason'];

const probeBase = z.object({
  name: z
    .string({ error: 'is required' })
    .regex(/^[a-zA-Z0-9_.-]+$/, 'may only hold letters, digits, _ . and - (it names the probe’s series and its collector)')
    .max(100),
  interval: ms('invalid interval').default(30_000),
  timeout: ms('invalid timeout').optional(),
  labels: z
    .record(z.string(), z.string({ error: 'label values must be strings' }))
    .superRefine((labels, ctx) => {
      // Checked here rather than as the record's key schema, whose failure only says "Invalid key".
      for (const key of Object.keys(labels)) {
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'label names must match [a-zA-Z_][a-zA-Z0-9_]*' });
        else if (RESERVED_LABELS.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'probe, host and reason are set by Vigia' });
      }
    })
    .default({}),
  http: httpCheck.optional(),
  tcp: tcpCheck.optional(),
  dns: dnsCheck.optional(),
  tls: tlsCheck.optional(),
  postgres: postgresCheck.optional(),
  redis: redisCheck.optional(),
});

export const probeSchema = z
  .unknown()
  .superRefine((raw, ctx) => {
    // Checked before the shape so a misspelt type reads as such, not as "unknown key".
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
    const known = new Set<string>(['name', 'interval', 'timeout', 'labels', ...PROBE_TYPES]);
    const unknown = Object.keys(raw).filter((k) => !known.has(k));
    for (const key of unknown) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown probe type or key (a probe has one of ${PROBE_TYPES.join(', ')})` });
    }
    const types = PROBE_TYPES.filter((t) => (raw as Record<string, unknown>)[t] !== undefined);
    if (types.length === 0 && unknown.length === 0) ctx.addIssue({ code: 'custom', path: [], message: `needs one check: ${PROBE_TYPES.join(', ')}` });
    if (types.length > 1) ctx.addIssue({ code: 'custom', path: [types[1]!], message: `a probe has exactly one check; this one has ${types.join(' and ')}` });
  })
  .pipe(probeBase)
  .superRefine((p, ctx) => {
    const timeout = p.timeout ?? Math.min(10_000, p.interval);
    if (timeout > p.interval) ctx.addIssue({ code: 'custom', path: ['timeout'], message: `must not be longer than the interval (${p.interval} ms): the next check would start before this one ends` });
  })
  .transform((p) => {
    const type = PROBE_TYPES.find((t) => p[t] !== undefined)!;
    return {
      name: p.name,
      intervalMs: p.interval,
      timeoutMs: p.timeout ?? Math.min(10_000, p.interval),
      labels: p.labels,
      check: { ...(p[type] as object), type } as ProbeCheck,
    };
  });

type Out<T extends z.ZodType> = z.output<T>;
export type ProbeCheck =
  | ({ type: 'http' } & Out<typeof httpCheck>)
  | ({ type: 'tcp' } & Out<typeof tcpCheck>)
  | ({ type: 'dns' } & Out<typeof dnsCheck>)
  | ({ type: 'tls' } & Out<typeof tlsCheck>)
  | ({ type: 'postgres' } & Out<typeof postgresCheck>)
  | ({ type: 'redis' } & Out<typeof redisCheck>);

export const probesSchema = z
  .array(probeSchema)
  .default([])
  .superRefine((probes, ctx) => {
    const seen = new Set<string>();
    probes.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `another probe is already named "${p.name}"` });
      seen.add(p.name);
    });
  });

export type ProbeConfig = z.output<typeof probeSchema>;
