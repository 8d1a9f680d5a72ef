import { describe, expect, it } from 'vitest';
import { loadYamlConfig as load, yamlConfigProblems as problemsOf } from '../src/testing.ts';

describe('slos: in monitoring.yaml', () => {
  it('reads the example of the README, and every kind of SLI', () => {
    const config = load(`
slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    sli: { errors: api_errors_total, total: api_requests_total }
  - { name: checkout, objective: 99.5, window: 28d, sli: { good: checkout_ok_total, total: checkout_total }, labels: { service: shop } }
  - { name: success-ratio, objective: 99, sli: { ratio: job_success_percent, percent: true } }
  - { name: homepage, objective: 99.9, window: 7d, sli: { probe: web } }
`);
    expect(config.slos).toEqual([
      { name: 'api-availability', objective: 99.9, window: 30 * 86_400_000, sli: { errors: 'api_errors_total', total: 'api_requests_total' } },
      { name: 'checkout', objective: 99.5, window: 28 * 86_400_000, sli: { good: 'checkout_ok_total', total: 'checkout_total' }, labels: { service: 'shop' } },
      { name: 'success-ratio', objective: 99, window: 30 * 86_400_000, sli: { ratio: 'job_success_percent', percent: true } },
      { name: 'homepage', objective: 99.9, window: 7 * 86_400_000, sli: { probe: 'web' } },
    ]);
  });

  it('stops the start naming the key and the problem', () => {
    expect(problemsOf('slos:\n  - { name: a, objective: 100, window: 30d, sli: { errors: e, total: t } }\n')).toEqual([
      'slos[0].objective (SLO "a"): must be between 0 and 100 (exclusive), e.g. 99.9; got 100',
    ]);
    expect(problemsOf('slos:\n  - { name: a, objective: 0, sli: { errors: e, total: t } }\n')[0]).toMatch(/^slos\[0\]\.objective \(SLO "a"\): must be between 0 and 100/);
    expect(problemsOf('slos:\n  - { name: a, objective: 99.9, window: 1d, sli: { errors: e, total: t } }\n')).toEqual([
      'slos[0].window (SLO "a"): "1d" is shorter than the longest burn-rate window (3d); use 3d or more, e.g. 30d',
    ]);
    expect(problemsOf('slos:\n  - { name: a, objective: 99.9, window: 30d }\n')[0]).toMatch(/^slos\[0\]\.sli \(SLO "a"\): is required/);
    expect(problemsOf('slos:\n  - { name: a, objective: 99.9, sli: { errors: e } }\n')[0]).toMatch(/^slos\[0\]\.sli \(SLO "a"\): must be one of/);
    expect(problemsOf('slos:\n  - { name: a, objective: 99.9, sli: { probe: p } }\n  - { name: a, objective: 99, sli: { probe: q } }\n')[0]).toMatch(/^slos\[1\]\.name \(SLO "a"\): two SLOs are named "a"/);
  });
});
