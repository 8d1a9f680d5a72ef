/**
 * The probe form's fields and the probe they make, in the shape of monitoring.yaml's `probes:`
 * (what probes.create takes). The server checks everything again; this only turns text into it.
 */

export const PROBE_TYPES = ['http', 'tcp', 'dns', 'tls', 'postgres', 'redis'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];

export interface ProbeFields {
  type: ProbeType;
  interval: string;
  timeout: string;
  /** `team=web, env=prod` */
  labels: string;
  url: string;
  method: string;
  /** One `Name: value` per line. */
  headers: string;
  expectStatus: string;
  keyword: string;
  host: string;
  port: string;
  dnsName: string;
  recordType: string;
  server: string;
  expect: string;
  query: string;
}

export function emptyFields(): ProbeFields {
  return {
    type: 'http',
    interval: '30s',
    timeout: '10s',
    labels: '',
    url: 'https://',
    method: 'GET',
    headers: '',
    expectStatus: '',
    keyword: '',
    host: '',
    port: '',
    dnsName: '',
    recordType: 'A',
    server: '',
    expect: '',
    query: 'SELECT 1',
  };
}

function pairs(text: string, separator: RegExp, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(separator)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.search(what === 'header' ? /:/ : /=/);
    if (at <= 0) throw new Error(what === 'header' ? `write each header as Name: value ("${part}")` : `write labels as name=value ("${part}")`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** Keys of each check the form shows; an edit keeps the others (body, json_path…) as they were. */
const FORM_KEYS = ['url', 'method', 'headers', 'expect_status', 'keyword', 'host', 'port', 'name', 'type', 'server', 'expect', 'query'];

/**
 * The probe as probes.create takes it; throws with a message a person can act on. `base` is the
 * stored probe being edited, whose settings the form does not show are kept.
 */
export function probeOf(f: ProbeFields, base?: Record<string, unknown>): Record<string, unknown> {
  const port = (fallback?: number) => (f.port.trim() ? Number(f.port) : fallback);
  let check: Record<string, unknown>;
  switch (f.type) {
    case 'http': {
      const headers = pairs(f.headers, /\n/, 'header');
      const status = f.expectStatus
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      check = {
        url: f.url.trim(),
        method: f.method,
        ...(Object.keys(headers).length ? { headers } : {}),
        ...(status.length ? { expect_status: status } : {}),
        ...(f.keyword.trim() ? { keyword: f.keyword.trim() } : {}),
      };
      break;
    }
    case 'tcp':
      check = { host: f.host.trim(), port: port() };
      break;
    case 'tls':
      check = { host: f.host.trim(), port: port(443) };
      break;
    case 'dns': {
      const expect = f.expect
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      check = { name: f.dnsName.trim(), type: f.recordType, ...(f.server.trim() ? { server: f.server.trim() } : {}), ...(expect.length ? { expect } : {}) };
      break;
    }
    case 'postgres':
      check = { url: f.url.trim(), query: f.query.trim() || 'SELECT 1' };
      break;
    case 'redis':
      check = { url: f.url.trim() };
      break;
  }
  const before = base?.[f.type] as Record<string, unknown> | undefined;
  if (before) check = { ...Object.fromEntries(Object.entries(before).filter(([k]) => !FORM_KEYS.includes(k))), ...check };
  const labels = pairs(f.labels, /,/, 'label');
  return { interval: f.interval.trim(), timeout: f.timeout.trim(), ...(Object.keys(labels).length ? { labels } : {}), [f.type]: check };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The form filled from a stored probe (secrets as the API shows them, `***`, which an edit keeps). */
export function fieldsOf(spec: Record<string, unknown>): ProbeFields {
  const f = emptyFields();
  f.interval = text(spec.interval ?? '30s');
  f.timeout = text(spec.timeout ?? '');
  f.labels = Object.entries((spec.labels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const type = PROBE_TYPES.find((t) => spec[t] !== undefined) ?? 'http';
  const c = (spec[type] ?? {}) as Record<string, unknown>;
  f.type = type;
  f.url = text(c.url);
  f.method = text(c.method ?? 'GET').toUpperCase();
  f.headers = Object.entries((c.headers ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  f.expectStatus = ([] as unknown[]).concat(c.expect_status ?? []).join(', ');
  f.keyword = text(c.keyword);
  f.host = text(c.host);
  f.port = text(c.port);
  f.dnsName = text(c.name);
  f.recordType = text(c.type ?? 'A');
  f.server = text(c.server);
  f.expect = ([] as unknown[]).concat(c.expect ?? []).join(', ');
  f.query = text(c.query ?? 'SELECT 1');
  return f;
}
