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

const FIELD = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)?)\s*\}\}/g;
const KNOWN = new Set(['value', 'threshold', 'duration', 'rule', 'metric', 'severity']);

function formatNumber(n: number | null): string {
  if (n === null) return 'no data';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** Fields an annotation refers to that do not exist (checked at start-up, not at 3 a.m.). */
export function templateErrors(template: string): string[] {
  const errors: string[] = [];
  for (const [, path] of template.matchAll(FIELD)) {
    const [head] = path!.split('.');
    if (head === 'labels' ? !path!.includes('.') : !KNOWN.has(head!) || path!.includes('.')) errors.push(`unknown field {{ ${path} }}`);
  }
  const opens = (template.match(/\{\{/g) ?? []).length;
  if (opens !== [...template.matchAll(FIELD)].length) errors.push('a {{ … }} is not closed or not a field name');
  return errors;
}

export function renderTemplate(template: string, ctx: AnnotationContext): string {
  return template.replace(FIELD, (_, path: string) => {
    if (path.startsWith('labels.')) return ctx.labels[path.slice(7)] ?? '';
    const v = ctx[path as keyof AnnotationContext];
    return typeof v === 'number' || v === null ? formatNumber(v as number | null) : String(v);
  });
}
