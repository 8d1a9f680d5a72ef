import { formatDuration, type RuleSpec } from '@vigia/core';
import { formatNumber } from './promql.ts';

const FIELD = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)(?:\.([a-zA-Z_][a-zA-Z0-9_]*))?\s*\}\}/g;
// The units prometheusName converts to seconds; the word after a converted value must follow it.
const SCALED_UNITS = ['ms', 'us', 'ns'];

/** Text Prometheus must print as is: wrapped in a template string when it holds template delimiters. */
function literal(text: string): string {
  return text.includes('{{') || text.includes('}}') ? `{{ ${JSON.stringify(text)} }}` : text;
}

/**
 * A Vigia annotation as a Prometheus one: `{{ value }}` → `{{ $value }}`, `{{ labels.x }}` →
 * `{{ $labels.x }}`, and the fields Prometheus does not know (threshold, duration, rule, metric,
 * severity) written out. When the expression compares seconds where Vigia compares milliseconds,
 * $value is in seconds, so the threshold is written in seconds too and a unit right after either
 * is rewritten to `s`.
 */
export function translateAnnotation(template: string, rule: RuleSpec, exported: { threshold: number; scaled: boolean }): string {
  let text = template;
  if (exported.scaled) {
    const unit = rule.metric.split('_').pop()!.toLowerCase();
    if (SCALED_UNITS.includes(unit)) {
      text = text.replace(new RegExp(`(\\{\\{\\s*(?:value|threshold)\\s*\\}\\})(\\s*)${unit}\\b`, 'g'), '$1$2s');
    }
  }
  return text.replace(FIELD, (whole, head: string, label: string | undefined) => {
    if (head === 'labels' && label) return `{{ $labels.${label} }}`;
    if (label) return whole;
    switch (head) {
      case 'value':
        return '{{ $value }}';
      case 'threshold':
        return formatNumber(exported.threshold);
      case 'duration':
        return formatDuration(rule.forMs);
      case 'rule':
        return literal(rule.name);
      case 'metric':
        return literal(rule.metric);
      case 'severity':
        return rule.severity;
      default:
        return whole;
    }
  });
}
