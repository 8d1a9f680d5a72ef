import { formatDuration, prometheusName, seriesKey, type Reducer, type RuleSpec } from '@vigia/core';

const OVER_TIME: Partial<Record<Reducer, string>> = {
  avg: 'avg_over_time',
  min: 'min_over_time',
  max: 'max_over_time',
  sum: 'sum_over_time',
  count: 'count_over_time',
};
const QUANTILE: Partial<Record<Reducer, string>> = { p95: '0.95', p99: '0.99' };

/** A number as PromQL and templates print it, without the float noise of a unit conversion (500 × 0.001). */
export function formatNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}

export interface RuleExpression {
  expr: string;
  /** The threshold in the exported unit, as it appears in `expr`. */
  threshold: number;
  /** True when the compared values are in another unit than Vigia's (`_ms` exported as `_seconds`). */
  scaled: boolean;
  /** What the translation changed or could not keep, for a comment on the rule. */
  notes: string[];
}

/**
 * The PromQL of one rule over the series /metrics exports: the same name conversion (prometheusName)
 * and the same order as the engine, which reduces each series over its window, then aggregates
 * the reduced values, then compares.
 */
export function ruleExpression(rule: RuleSpec): RuleExpression {
  const notes: string[] = [];
  const exported = prometheusName(rule.metric);
  // A count of samples has no unit; every other reducer keeps the metric's.
  const factor = rule.reduce === 'count' ? 1 : exported.factor;
  const scaled = factor !== 1;
  const threshold = Number((rule.threshold * factor).toPrecision(12));
  if (exported.name !== rule.metric) {
    const unit = rule.metric.split('_').pop();
    notes.push(`${rule.metric} is exported as ${exported.name}${scaled ? `: threshold ${formatNumber(rule.threshold)} ${unit} becomes ${formatNumber(threshold)} s` : ''}.`);
  }

  const selector = seriesKey(exported.name, rule.labels);
  const range = `${selector}[${formatDuration(rule.windowMs)}]`;
  let value: string;
  let target = formatNumber(threshold);
  if (rule.predict) {
    const { overMs, withinMs } = rule.predict;
    value = `predict_linear(${selector}[${formatDuration(overMs)}], ${formatNumber(withinMs / 1000)})`;
    notes.push(
      `Forecast: Vigia fits the line to the per-minute means of the last ${formatDuration(overMs)} (from ${formatDuration(overMs / 4)} of history on); predict_linear fits the raw samples Prometheus scraped.`,
    );
    if ('metric' in rule.predict.target) {
      const other = prometheusName(rule.predict.target.metric).name;
      target = `scalar(max(${other}))`;
      notes.push(`Compared with the largest ${other} series; Vigia takes the ${rule.predict.target.metric} series whose labels this series carries.`);
    }
  } else if (rule.reduce === 'last') value = selector;
  else if (rule.reduce === 'rate') value = `rate(${range})`;
  else if (QUANTILE[rule.reduce]) {
    value = `quantile_over_time(${QUANTILE[rule.reduce]}, ${range})`;
    notes.push(`quantile_over_time interpolates between samples where Vigia takes the nearest rank: values close to the threshold may differ.`);
  } else {
    value = `${OVER_TIME[rule.reduce]}(${range})`;
    if (rule.reduce === 'sum' || rule.reduce === 'count') {
      notes.push(`${OVER_TIME[rule.reduce]} adds up the samples Prometheus scraped, not those Vigia collected: scale the threshold if scrape_interval differs from the collector's interval.`);
    }
  }
  if (rule.aggregate) {
    // Keeping the matched labels gives the alert the labels Vigia gives it.
    const by = Object.keys(rule.labels ?? {}).sort();
    value = `${rule.aggregate}${by.length ? ` by (${by.join(', ')}) ` : ''}(${value})`;
  }

  let expr = `${value} ${rule.operator} ${target}`;
  // N of M locations: the series meeting the condition, counted per group without the location label.
  if (rule.locations) expr = `count without (${rule.locations.by}) (${expr}) >= ${rule.locations.minFailing}`;
  if (rule.noData === 'alerting') {
    expr = `${expr} or ${rule.reduce === 'last' ? `absent(${selector})` : `absent_over_time(${range})`}`;
  } else if (rule.noData === 'keep') {
    notes.push(`no_data: keep has no equivalent: Prometheus resolves an alert whose series stopped reporting.`);
  }
  if (rule.clearThreshold !== undefined) {
    notes.push(
      `clear_threshold ${formatNumber(rule.clearThreshold)} (hysteresis) has no equivalent: this rule resolves as soon as the condition stops holding; keep_firing_for is the nearest help against flapping.`,
    );
  }
  return { expr, threshold, scaled, notes };
}
