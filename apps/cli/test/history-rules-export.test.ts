import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleExpression } from '../src/prometheus/promql.ts';
import { prometheusRuleFile } from '../src/prometheus/rule-file.ts';
import { ruleSpec } from './rule-spec.ts';

const HOUR = 3_600_000;
const PROMTOOL = process.env.VIGIA_PROMTOOL ?? '/usr/bin/promtool';

describe('forecast and baseline rules in the Prometheus export', () => {
  const disk = ruleSpec({
    name: 'Disk Full Soon',
    metric: 'disk_usage_percent',
    labels: { mount: '/' },
    operator: '>=',
    threshold: 100,
    predict: { overMs: 6 * HOUR, withinMs: 24 * HOUR, target: { value: 100 } },
  });
  const conns = ruleSpec({
    name: 'Pool Exhausted Soon',
    metric: 'db_connections',
    operator: '>=',
    threshold: 0,
    predict: { overMs: 6 * HOUR, withinMs: 2 * HOUR, target: { metric: 'db_connections_max' } },
  });
  const orders = ruleSpec({
    name: 'Orders Below Usual',
    metric: 'business_orders_today',
    operator: '<',
    threshold: -3,
    baseline: { weeks: 4, windowMs: 15 * 60_000, factor: 3, direction: 'below', minSpreadRatio: 0.05 },
  });

  it('a forecast becomes predict_linear over `over`, `within` ahead in seconds', () => {
    expect(ruleExpression(disk).expr).toBe('predict_linear(disk_usage_percent{mount="/"}[6h], 86400) >= 100');
    expect(ruleExpression(conns).expr).toBe('predict_linear(db_connections[6h], 7200) >= scalar(max(db_connections_max))');
  });

  it('a baseline is left out with a comment saying why; the file passes promtool', () => {
    const text = prometheusRuleFile([disk, conns, orders], { source: 'monitoring.yaml', defaultCooldownMs: 1_800_000 });
    expect(text).toContain('# Not exported: "Orders Below Usual" is a baseline rule');
    expect(text).not.toContain('alert: Orders Below Usual');
    const file = join(mkdtempSync(join(tmpdir(), 'vigia-export-')), 'rules.yml');
    writeFileSync(file, text);
    expect(execFileSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' })).toContain('SUCCESS: 2 rules found');
  });
});
