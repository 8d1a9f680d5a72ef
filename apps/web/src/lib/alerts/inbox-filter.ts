export const STATUSES = ['firing', 'acknowledged', 'resolved'] as const;
export const SEVERITIES = ['emergency', 'critical', 'warning', 'info'] as const;

export type Status = (typeof STATUSES)[number];
export type Severity = (typeof SEVERITIES)[number];

export interface InboxFilter {
  status: Status[];
  severity: Severity[];
  rule: string | null;
}

function list<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (!value) return [];
  return value.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));
}

/** `?status=firing,acknowledged&severity=critical&rule=High%20CPU`; anything unknown is ignored. */
export function readFilter(params: URLSearchParams): InboxFilter {
  return { status: list(params.get('status'), STATUSES), severity: list(params.get('severity'), SEVERITIES), rule: params.get('rule') || null };
}

export function filterParams(filter: InboxFilter): Record<string, string | null> {
  return { status: filter.status.join(',') || null, severity: filter.severity.join(',') || null, rule: filter.rule };
}

export function toggle<T>(values: readonly T[], value: T): T[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
