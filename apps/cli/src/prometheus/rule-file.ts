import { Document, type YAMLMap } from 'yaml';
import { formatDuration, type RuleSpec } from '@vigia/core';
import { COLLECTOR_DOWN_RULE } from '@vigia/alerting';
import { translateAnnotation } from './annotations.ts';
import { ruleExpression } from './promql.ts';

export interface PrometheusRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: { severity: string };
  annotations?: Record<string, string>;
}

export interface RuleFileOptions {
  /** The monitoring.yaml it came from, as the header names it. */
  source: string;
  /** alerts.default_cooldown, so that only a rule's own cooldown is called out. */
  defaultCooldownMs: number;
}

/** Settings that belong to Alertmanager in a Prometheus setup, named so nobody thinks them lost. */
function routingNote(rule: RuleSpec, defaultCooldownMs: number): string | null {
  const parts: string[] = [];
  if (rule.cooldownMs !== defaultCooldownMs) parts.push(`cooldown ${formatDuration(rule.cooldownMs)}`);
  if (rule.maxRepeats !== undefined) parts.push(`max_repeats ${rule.maxRepeats}`);
  if (rule.channels?.length) parts.push(`channels [${rule.channels.join(', ')}]`);
  if (!parts.length) return null;
  return `${parts.join(', ')}: Alertmanager's job here (repeat_interval, and a route matching alertname="${rule.name}").`;
}

export function toPrometheusRule(rule: RuleSpec, options: RuleFileOptions): { rule: PrometheusRule; notes: string[] } {
  const expression = ruleExpression(rule);
  const notes = [...expression.notes];
  if (rule.name === COLLECTOR_DOWN_RULE) {
    notes.unshift(`Built into Vigia (alerts.collector_down). In /metrics, vigia_collector_up is 0 while a collector's last run failed.`);
  }
  const routing = routingNote(rule, options.defaultCooldownMs);
  if (routing) notes.push(routing);

  const annotations = Object.entries(rule.annotations).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  // Keys in the order people write rule files in.
  const out: PrometheusRule = {
    alert: rule.name,
    expr: expression.expr,
    ...(rule.forMs > 0 ? { for: formatDuration(rule.forMs) } : {}),
    ...(rule.keepFiringForMs > 0 ? { keep_firing_for: formatDuration(rule.keepFiringForMs) } : {}),
    labels: { severity: rule.severity },
    ...(annotations.length ? { annotations: Object.fromEntries(annotations.map(([key, template]) => [key, translateAnnotation(template, rule, expression)])) } : {}),
  };
  return { rule: out, notes };
}

/** The whole rule file, one group, each rule with its notes as a comment above it. */
export function prometheusRuleFile(rules: RuleSpec[], options: RuleFileOptions): string {
  // A baseline compares with the median and MAD of the same time in past weeks: PromQL has no
  // median across offsets, so these stay in Vigia and the file says so.
  const baselines = rules.filter((r) => r.baseline);
  const converted = rules.filter((r) => !r.baseline).map((rule) => toPrometheusRule(rule, options));
  const doc = new Document({ groups: [{ name: 'vigia', rules: converted.map((c) => c.rule) }] });
  doc.commentBefore = [
    ` Vigia's alert rules in PromQL, for Prometheus' rule_files.`,
    ` Generated from ${options.source} by:`,
    `   npx vigia rules export --format prometheus --out <this file>`,
    ` Do not edit: change the rules in ${options.source} and export again.`,
    ` Metric names are those of Vigia's /metrics (…_ms is exported as …_seconds, thresholds converted).`,
    ...baselines.map(
      (r) => ` Not exported: "${r.name}" is a baseline rule (median and MAD of the same time of week over ${r.baseline!.weeks} weeks); PromQL has no equivalent, Vigia alone evaluates it.`,
    ),
  ].join('\n');
  converted.forEach((c, i) => {
    if (!c.notes.length) return;
    const node = doc.getIn(['groups', 0, 'rules', i], true) as YAMLMap;
    node.commentBefore = c.notes.map((n) => ` ${n}`).join('\n');
  });
  return doc.toString({ lineWidth: 0 });
}
