import type { RuleSpec } from '@vigia/core';

/** A rule as buildRules would hand it over, with what a test changes. */
export function ruleSpec(overrides: Partial<RuleSpec> = {}): RuleSpec {
  return {
    name: 'Test Rule',
    metric: 'cpu_usage',
    operator: '>',
    threshold: 90,
    forMs: 300_000,
    severity: 'warning',
    reduce: 'last',
    windowMs: 300_000,
    keepFiringForMs: 0,
    cooldownMs: 1_800_000,
    noData: 'ok',
    annotations: {},
    ...overrides,
  };
}
