import { describe, expect, it } from 'vitest';
import { translateAnnotation } from '../src/prometheus/annotations.ts';
import { ruleExpression } from '../src/prometheus/promql.ts';
import { ruleSpec } from './rule-spec.ts';

const translate = (template: string, overrides = {}) => {
  const rule = ruleSpec(overrides);
  return translateAnnotation(template, rule, ruleExpression(rule));
};

describe('translateAnnotation', () => {
  it('turns value and labels into Prometheus template fields and writes the rest out', () => {
    expect(translate('Disk {{ labels.mount }} is {{value}}% (over {{ threshold }}% for {{ duration }})')).toBe('Disk {{ $labels.mount }} is {{ $value }}% (over 90% for 5m)');
    expect(translate('{{ rule }} on {{ metric }} ({{ severity }})', { severity: 'critical' })).toBe('Test Rule on cpu_usage (critical)');
  });

  it('keeps the unit after a value right when the expression compares seconds', () => {
    expect(translate('Average query time is {{ value }} ms (above {{ threshold }} ms)', { metric: 'db_avg_query_time_ms', threshold: 500 })).toBe('Average query time is {{ $value }} s (above 0.5 s)');
    expect(translate('{{ value }}ms', { metric: 'db_avg_query_time_ms', threshold: 500 })).toBe('{{ $value }}s');
    // "msg" is a word, not a unit.
    expect(translate('{{ value }} msg', { metric: 'db_avg_query_time_ms' })).toBe('{{ $value }} msg');
  });

  it('quotes a literal that would read as a template', () => {
    expect(translate('{{ rule }}', { name: 'odd {{ name }}' })).toBe('{{ "odd {{ name }}" }}');
  });
});
