import { baselineCondition, formatDuration, templateErrors, type RuleSpec } from '@vigia/core';
import { ConfigError, type AlertRuleConfig, type VigiaConfig } from '@vigia/config';
import { sloRules } from './slo-rules.ts';

export const COLLECTOR_DOWN_RULE = 'Collector Not Reporting';
export const COLLECTOR_UP_METRIC = 'vigia_collector_up';

/** One rule of the file (or edited in the UI, for a backtest) as the engine runs it: defaults applied. */
export function toRuleSpec(r: AlertRuleConfig, alerts: VigiaConfig['alerts']): RuleSpec {
  const reduce = r.reduce ?? 'last';
  return {
    name: r.name,
    metric: r.metric,
    // Plain rules always have both (checked by the schema); forecasts and baselines compare their own value.
    operator: r.operator ?? '>=',
    threshold: r.threshold ?? (r.predict && typeof r.predict.value === 'number' ? r.predict.value : 0),
    forMs: r.for,
    severity: r.severity,
    labels: r.labels,
    aggregate: r.aggregate,
    ...(r.locations ? { locations: { minFailing: r.locations.min_failing, by: r.locations.by } } : {}),
    reduce,
    windowMs: r.window ?? (reduce === 'last' ? alerts.stale_after : 5 * 60_000),
    clearThreshold: r.clear_threshold,
    keepFiringForMs: r.keep_firing_for,
    cooldownMs: r.cooldown ?? alerts.default_cooldown,
    maxRepeats: r.max_repeats,
    channels: r.channels,
    noData: r.no_data,
    annotations: r.annotations,
    ...historyPart(r),
  };
}

/** A forecast's target and horizon, or a baseline's band and the condition its direction makes. */
function historyPart(r: AlertRuleConfig): Partial<RuleSpec> {
  if (r.predict) {
    const { over, within, value } = r.predict;
    return { predict: { overMs: over, withinMs: within, target: typeof value === 'number' ? { value } : { metric: value } } };
  }
  if (r.baseline) {
    const { weeks, window, factor, direction, min_spread, clear_factor } = r.baseline;
    const baseline = { weeks, windowMs: window, factor, direction, minSpreadRatio: min_spread / 100 };
    return { baseline, ...baselineCondition(baseline, clear_factor) };
  }
  return {};
}

/**
 * The rules the engine runs: those of monitoring.yaml with defaults applied, plus the built-in
 * rule that raises an alert when a collector stops reporting. Annotation templates are checked
 * here, at start-up, so a typo does not surface at 3 a.m.
 */
export function buildRules(config: VigiaConfig): RuleSpec[] {
  const { alerts } = config;
  const problems: string[] = [];
  const seen = new Set<string>();
  const rules: RuleSpec[] = alerts.rules.map((r, i) => {
    if (seen.has(r.name)) problems.push(`alerts.rules[${i}].name (rule "${r.name}"): two rules have this name; names identify alerts, so they must differ`);
    seen.add(r.name);
    if (r.locations && r.aggregate) problems.push(`alerts.rules[${i}].locations (rule "${r.name}"): a rule counts failing locations or aggregates its series, not both; remove aggregate or locations`);
    for (const [key, template] of Object.entries(r.annotations)) {
      for (const error of templateErrors(template ?? '')) problems.push(`alerts.rules[${i}].annotations.${key} (rule "${r.name}"): ${error}`);
    }
    return toRuleSpec(r, alerts);
  });
  for (const [i, r] of alerts.rules.entries()) {
    // History rules read the 1-minute rollups: what retention has deleted, they cannot see.
    const reach = r.predict ? r.predict.over : r.baseline ? r.baseline.weeks * 7 * 86_400_000 + r.baseline.window : 0;
    if (reach > config.retention['1m']) {
      const key = r.predict ? 'predict.over' : 'baseline.weeks';
      problems.push(
        `alerts.rules[${i}].${key} (rule "${r.name}"): reads ${formatDuration(reach)} of 1-minute history, but retention.1m keeps ${formatDuration(config.retention['1m'])}; lower it or raise retention.1m`,
      );
    }
    for (const channel of r.channels ?? []) {
      if (!config.channels[channel]) problems.push(`alerts.rules[${i}].channels (rule "${r.name}"): no channel named "${channel}" under channels`);
    }
  }
  for (const [severity, steps] of Object.entries(alerts.escalation)) {
    steps?.forEach((step, i) => {
      for (const channel of step.channels) if (!config.channels[channel]) problems.push(`alerts.escalation.${severity}[${i}].channels: no channel named "${channel}" under channels`);
    });
  }
  for (const [name, user] of Object.entries(config.oncall.users)) {
    user.rules.forEach((rule, i) => {
      if (!config.channels[rule.channel]) problems.push(`oncall.users.${name}.rules[${i}].channel: no channel named "${rule.channel}" under channels`);
    });
  }
  for (const [severity, channels] of Object.entries(alerts.routing)) {
    for (const channel of channels ?? []) if (!config.channels[channel]) problems.push(`alerts.routing.${severity}: no channel named "${channel}" under channels`);
  }
  if (problems.length) throw new ConfigError(config.file, problems);
  rules.push(...sloRules(config));
  if (alerts.collector_down.enabled && !seen.has(COLLECTOR_DOWN_RULE)) {
    rules.push({
      name: COLLECTOR_DOWN_RULE,
      metric: COLLECTOR_UP_METRIC,
      operator: '==',
      threshold: 0,
      forMs: alerts.collector_down.for,
      severity: alerts.collector_down.severity,
      reduce: 'last',
      windowMs: alerts.stale_after,
      keepFiringForMs: 0,
      cooldownMs: alerts.default_cooldown,
      noData: 'ok',
      annotations: { summary: `Collector {{ labels.collector }} has not reported for over ${formatDuration(alerts.collector_down.for)}` },
    });
  }
  return rules;
}

/** Where a rule's notifications go: its own channels, else the routing of its severity, else every enabled channel. */
export function channelsFor(rule: Pick<RuleSpec, 'channels' | 'severity'>, config: VigiaConfig): string[] {
  const enabled = (name: string) => config.channels[name] !== undefined && config.channels[name]!.enabled !== false;
  const chosen = rule.channels ?? config.alerts.routing[rule.severity] ?? Object.keys(config.channels);
  return chosen.filter(enabled);
}
