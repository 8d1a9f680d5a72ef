import { formatDuration } from '../duration.ts';

/** The fields a kind of template may use: plain values, and maps reached as `{{ map.key }}`. */
export interface TemplateFields {
  scalars: readonly string[];
  maps: readonly string[];
}

/** Annotations (summary, description, runbook_url) of a rule. */
export const ANNOTATION_FIELDS: TemplateFields = { scalars: ['value', 'threshold', 'duration', 'rule', 'metric', 'severity'], maps: ['labels'] };

/** Values an annotation may use: `{{ value }}`, `{{ threshold }}`, `{{ duration }}`, `{{ labels.mount }}`, `{{ rule }}`, `{{ metric }}`, `{{ severity }}`. */
export interface AnnotationContext {
  value: number | null;
  threshold: number;
  duration: string;
  labels: Record<string, string>;
  rule: string;
  metric: string;
  severity: string;
}

/**
 * A channel's message template (`channels.<name>.template`): everything a notification carries.
 * `{{ reason }}` is new, repeat, escalated, acknowledged, resolved or test; `{{ status }}` firing,
 * acknowledged or resolved; `{{ duration }}` reads like 5m30s; `{{ links.acknowledge }}` and
 * `{{ links.silence }}` are signed links (empty when the message is not about a firing alert).
 */
export interface MessageContext {
  rule: string;
  severity: string;
  status: string;
  reason: string;
  metric: string;
  unit: string;
  value: number | null;
  operator: string;
  threshold: number;
  summary: string;
  description: string;
  runbookUrl: string;
  startedAt: string;
  resolvedAt: string;
  duration: string;
  acknowledgedBy: string;
  comment: string;
  alertId: string;
  channel: string;
  vigiaUrl: string;
  labels: Record<string, string>;
  links: Record<string, string>;
}

export const MESSAGE_FIELDS: TemplateFields = {
  scalars: [
    'rule',
    'severity',
    'status',
    'reason',
    'metric',
    'unit',
    'value',
    'operator',
    'threshold',
    'summary',
    'description',
    'runbookUrl',
    'startedAt',
    'resolvedAt',
    'duration',
    'acknowledgedBy',
    'comment',
    'alertId',
    'channel',
    'vigiaUrl',
  ],
  maps: ['labels', 'links'],
};

const FIELD = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_-]*)?)\s*\}\}/g;

function formatNumber(n: number | null): string {
  if (n === null) return 'no data';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** Fields a template refers to that do not exist (checked at start-up, not at 3 a.m.). */
export function templateErrors(template: string, fields: TemplateFields = ANNOTATION_FIELDS): string[] {
  const errors: string[] = [];
  for (const [, path] of template.matchAll(FIELD)) {
    const [head, key] = path!.split('.');
    const known = key === undefined ? fields.scalars.includes(head!) : fields.maps.includes(head!);
    if (!known) errors.push(`unknown field {{ ${path} }}`);
  }
  const opens = (template.match(/\{\{/g) ?? []).length;
  if (opens !== [...template.matchAll(FIELD)].length) errors.push('a {{ … }} is not closed or not a field name');
  return errors;
}

export function renderTemplate(template: string, ctx: AnnotationContext | MessageContext): string {
  const values = ctx as unknown as Record<string, unknown>;
  return template.replace(FIELD, (_, path: string) => {
    const [head, key] = path.split('.');
    if (key !== undefined) return String((values[head!] as Record<string, string> | undefined)?.[key] ?? '');
    const v = values[head!];
    return typeof v === 'number' || v === null ? formatNumber(v as number | null) : String(v ?? '');
  });
}

/** The context of a message template, from a notification as channels receive it. */
export function messageContext(n: {
  rule: string;
  severity: string;
  status: string;
  reason: string;
  metric: string;
  unit?: string;
  value: number | null;
  operator: string;
  threshold: number;
  summary: string;
  description?: string;
  runbookUrl?: string;
  startedAt: string;
  resolvedAt?: string;
  durationSeconds: number;
  acknowledgedBy?: string;
  comment?: string;
  alertId: string;
  channel: string;
  vigiaUrl: string;
  labels: Record<string, string>;
  links: Record<string, string | undefined>;
}): MessageContext {
  return {
    rule: n.rule,
    severity: n.severity,
    status: n.status,
    reason: n.reason,
    metric: n.metric,
    unit: n.unit ?? '',
    value: n.value,
    operator: n.operator,
    threshold: n.threshold,
    summary: n.summary,
    description: n.description ?? '',
    runbookUrl: n.runbookUrl ?? '',
    startedAt: n.startedAt,
    resolvedAt: n.resolvedAt ?? '',
    duration: formatDuration(n.durationSeconds * 1000),
    acknowledgedBy: n.acknowledgedBy ?? '',
    comment: n.comment ?? '',
    alertId: n.alertId,
    channel: n.channel,
    vigiaUrl: n.vigiaUrl,
    labels: n.labels,
    links: Object.fromEntries(Object.entries(n.links).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}
