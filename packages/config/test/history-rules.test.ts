import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { configFile, configProblems, loadYamlConfig } from '../src/testing.ts';

const rules = (body: string) => `alerts:\n  rules:\n${body}`;

describe('predict and baseline rules in monitoring.yaml', () => {
  it('reads both forms with their defaults', () => {
    const config = loadYamlConfig(
      rules(`    - { name: Disk, metric: disk_usage_percent, predict: { over: 6h, within: 24h, value: 100 }, severity: warning }
    - { name: Conns, metric: db_connections, operator: ">=", predict: { within: 2h, value: db_connections_max }, severity: critical }
    - { name: Orders, metric: business_orders_today, baseline: { direction: below, factor: 4 }, severity: warning }
`),
    );
    const [disk, conns, orders] = config.alerts.rules;
    expect(disk!.predict).toEqual({ over: 6 * 3_600_000, within: 24 * 3_600_000, value: 100 });
    expect(conns!.predict).toEqual({ over: 6 * 3_600_000, within: 2 * 3_600_000, value: 'db_connections_max' });
    expect(orders!.baseline).toEqual({ weeks: 4, window: 15 * 60_000, factor: 4, direction: 'below', min_spread: 5 });
  });

  it('names the file, the rule, the key and the problem', () => {
    const file = configFile(
      rules(`    - { name: NoWithin, metric: disk_usage_percent, predict: { over: 6h, value: 100 }, severity: warning }
    - { name: NoValue, metric: disk_usage_percent, predict: { within: 1d }, severity: warning }
    - { name: Both, metric: m, predict: { within: 1d, value: 1 }, baseline: {}, severity: warning }
    - { name: Threshold, metric: m, predict: { within: 1d, value: 1 }, threshold: 3, severity: warning }
    - { name: Equal, metric: m, operator: "==", predict: { within: 1d, value: 1 }, severity: warning }
    - { name: OneWeek, metric: m, baseline: { weeks: 1, direction: sideways }, severity: warning }
    - { name: Plain, metric: m, severity: warning }
`),
    );
    const problems = configProblems(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([
      'alerts.rules[0].predict.within (rule "NoWithin"): is required (write it like 24h)',
      'alerts.rules[1].predict.value (rule "NoValue"): is required: the value the metric must not reach, a number (100) or a metric name (db_connections_max)',
      'alerts.rules[2].baseline (rule "Both"): a rule is either a forecast (predict) or a baseline, not both',
      'alerts.rules[3].threshold (rule "Threshold"): does not go with predict: predict.value is what it compares with',
      'alerts.rules[4].operator (rule "Equal"): == does not go with predict (use >= for rising to the value, <= for falling to it)',
      'alerts.rules[5].baseline.weeks (rule "OneWeek"): must be 2 or more (a band needs several weeks)',
      'alerts.rules[5].baseline.direction (rule "OneWeek"): unknown direction "sideways" (use below, above or both)',
      'alerts.rules[6].operator (rule "Plain"): is required (one of > >= < <= == !=)',
      'alerts.rules[6].threshold (rule "Plain"): is required (a number)',
    ]);
  });
});
