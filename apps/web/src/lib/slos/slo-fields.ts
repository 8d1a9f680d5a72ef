/**
 * The SLO form's fields and the SLO they make, in the shape of monitoring.yaml's `slos:` (what
 * slos.create takes). The server checks everything with the file's own schema; this only turns
 * text into that shape, leaving a value it cannot read as typed so the server names the problem.
 */

export const SLI_KINDS = ['errors', 'good', 'ratio', 'probe'] as const;
export type SliKind = (typeof SLI_KINDS)[number];

export const SLI_LABELS: Record<SliKind, string> = {
  errors: 'error and total counters',
  good: 'good and total counters',
  ratio: 'success ratio metric',
  probe: 'a probe’s success',
};

export interface SloFields {
  objective: string;
  window: string;
  kind: SliKind;
  /** The errors, good or ratio metric, by kind. */
  metric: string;
  total: string;
  /** Ratio only: the metric is 0-100 rather than 0-1. */
  percent: boolean;
  probe: string;
  /** `service=shop, env=prod` */
  labels: string;
}

export function emptySloFields(): SloFields {
  return { objective: '99.9', window: '30d', kind: 'errors', metric: '', total: '', percent: false, probe: '', labels: '' };
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) throw new Error(`write labels as name=value ("${part}")`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** A number where the text is one; the text itself otherwise, for the server to refuse by name. */
function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t.replace(/\s*%$/, ''));
  return Number.isFinite(n) ? n : t;
}

export function sloOf(f: SloFields): Record<string, unknown> {
  const metric = f.metric.trim();
  const sli = f.kind === 'probe' ? { probe: f.probe.trim() } : f.kind === 'ratio' ? { ratio: metric, ...(f.percent ? { percent: true } : {}) } : { [f.kind]: metric, total: f.total.trim() };
  const labels = parseLabels(f.labels);
  const objective = numberOrText(f.objective);
  const window = f.window.trim();
  return { ...(objective === undefined ? {} : { objective }), ...(window ? { window } : {}), sli, ...(Object.keys(labels).length ? { labels } : {}) };
}

export function sloFieldsOf(spec: Record<string, unknown>): SloFields {
  const f = emptySloFields();
  f.objective = spec.objective === undefined ? '' : String(spec.objective);
  f.window = spec.window === undefined ? '30d' : String(spec.window);
  const sli = (spec.sli ?? {}) as Record<string, unknown>;
  if ('probe' in sli) {
    f.kind = 'probe';
    f.probe = String(sli.probe ?? '');
  } else if ('ratio' in sli) {
    f.kind = 'ratio';
    f.metric = String(sli.ratio ?? '');
    f.percent = sli.percent === true;
  } else {
    f.kind = 'good' in sli ? 'good' : 'errors';
    f.metric = String(sli[f.kind] ?? '');
    f.total = String(sli.total ?? '');
  }
  f.labels = Object.entries((spec.labels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return f;
}
