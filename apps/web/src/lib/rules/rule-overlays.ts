import type { Rule } from '../api/types.ts';
import type { Threshold } from '../chart/chart-overlays.ts';
import { formatValue } from '../format/units.ts';
import { labelText } from '../live/series-key.ts';

/** A rule in a few words: "High CPU Usage > 90 %". */
export function ruleCondition(rule: Pick<Rule, 'operator' | 'threshold'>, unit: string | null): string {
  return `${rule.operator} ${formatValue(rule.threshold, unit)}`;
}

/** The threshold (and clear threshold) of every rule watching one of `metrics`. */
export function thresholdsFor(metrics: readonly string[], rules: readonly Rule[], unit: string | null): Threshold[] {
  const out: Threshold[] = [];
  for (const rule of rules) {
    if (!metrics.includes(rule.metric)) continue;
    // A rule on the sum of a metric's series is not a line any single series crosses: say so.
    const scope = [
      rule.labels && Object.keys(rule.labels).length ? labelText(rule.labels) : '',
      rule.aggregate ? `${rule.aggregate} of series` : '',
      rule.locations ? `≥ ${rule.locations.minFailing} ${rule.locations.by}s at once` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const label = `${rule.name} ${ruleCondition(rule, unit)}${scope ? ` (${scope})` : ''}`;
    out.push({ value: rule.threshold, label, severity: rule.severity });
    if (rule.clearThreshold !== undefined && rule.clearThreshold !== null && rule.clearThreshold !== rule.threshold) {
      out.push({ value: rule.clearThreshold, label: `${rule.name} clears at ${formatValue(rule.clearThreshold, unit)}`, severity: rule.severity, clear: true });
    }
  }
  return out;
}
