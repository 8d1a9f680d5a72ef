import type { AnyValue, KeyValue } from './otlp-proto.ts';

/**
 * How OTLP names become Prometheus names, after Prometheus' own OTLP translation: characters a
 * Prometheus name cannot hold become `_` (so `http.server.duration` → `http_server_duration`),
 * the unit is appended as a word (`s` → `_seconds`, `By` → `_bytes`, `By/s` →
 * `_bytes_per_second`, `1` → `_ratio` on gauges; `{requests}` annotations are dropped), and
 * monotonic sums end in `_total`.
 */
const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};
const PER_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

function sanitize(text: string): string {
  return text.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/_{2,}/g, '_');
}

function unitSuffix(unit: string, kind: 'gauge' | 'counter' | 'other'): string {
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (!plain) return '';
  if (plain === '1') return kind === 'gauge' ? 'ratio' : '';
  const [main = '', per] = plain.split('/', 2);
  const words = [main ? (UNIT_WORDS[main] ?? main) : ''];
  if (per) words.push(`per_${PER_WORDS[per] ?? UNIT_WORDS[per] ?? per}`);
  return sanitize(words.filter(Boolean).join('_')).replace(/^_+|_+$/g, '');
}

/** The Prometheus name of an OTLP metric: `kind` is 'counter' for monotonic sums (`_total`). */
export function metricName(name: string, unit: string | undefined, kind: 'gauge' | 'counter' | 'other'): string {
  let out = sanitize(name).replace(/_+$/, '');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  const suffix = unitSuffix(unit ?? '', kind);
  if (suffix && !out.endsWith(`_${suffix}`) && out !== suffix) out = `${out}_${suffix}`;
  if (kind === 'counter' && !out.endsWith('_total')) out = `${out}_total`;
  return out;
}

/** An attribute key as a label name: dots and other characters to `_`, never a reserved `__` start. */
export function labelName(key: string): string {
  let out = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  if (out.startsWith('__')) out = `key${out}`;
  return out;
}

export function attributeValue(value: AnyValue | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return JSON.stringify((value.arrayValue.values ?? []).map(attributeValue));
  if (value.kvlistValue) return JSON.stringify(Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key ?? '', attributeValue(kv.value)])));
  return '';
}

/**
 * Resource attributes as labels: `service.name` → `job` (`service.namespace/service.name` when
 * both are set, as Prometheus does), `service.instance.id` → `instance`, every other attribute
 * under its key with dots as underscores.
 */
export function resourceLabels(attributes: KeyValue[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  let service: string | undefined;
  let namespace: string | undefined;
  for (const kv of attributes ?? []) {
    const key = kv.key ?? '';
    const value = attributeValue(kv.value);
    if (key === 'service.name') service = value;
    else if (key === 'service.namespace') namespace = value;
    else if (key === 'service.instance.id') labels.instance = value;
    else if (value !== '') labels[labelName(key)] = value;
  }
  if (service) labels.job = namespace ? `${namespace}/${service}` : service;
  else if (namespace) labels.service_namespace = namespace;
  return labels;
}

/** Data point attributes as labels, over the resource's (a point's own attribute wins). */
export function pointLabels(base: Record<string, string>, attributes: KeyValue[] | undefined): Record<string, string> {
  const labels = { ...base };
  for (const kv of attributes ?? []) {
    const value = attributeValue(kv.value);
    if (value !== '') labels[labelName(kv.key ?? '')] = value;
  }
  return labels;
}
