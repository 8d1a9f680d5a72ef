import { describe, expect, it } from 'vitest';
import { loadYamlConfig as load, yamlConfigProblems as problemsOf } from '../src/testing.ts';

describe('status_page: in monitoring.yaml', () => {
  it('is off by default', () => {
    expect(load('').statusPage).toEqual({ enabled: false, title: 'Service status', refresh: 2_000, show_uptime: true, components: [] });
  });

  it('reads components mapped to probes or to rule labels', () => {
    const config = load(`
status_page:
  enabled: true
  title: Acme status
  refresh: 5s
  components:
    - name: Website
      description: The shop
      probe: web
    - name: Payments
      match: { rule: Payment errors, labels: { service: payments } }
`);
    expect(config.statusPage).toMatchObject({ enabled: true, title: 'Acme status', refresh: 5_000 });
    expect(config.statusPage.components).toEqual([
      { name: 'Website', description: 'The shop', probe: 'web' },
      { name: 'Payments', match: { rule: 'Payment errors', labels: { service: 'payments' } } },
    ]);
  });

  it('names the file, the key and the problem', () => {
    const problems = problemsOf(`
status_page:
  enabled: yes please
  refresh: 2h
  components:
    - name: Website
    - name: Website
      probe: web
    - name: All
      match: {}
    - name: X
      probe: x
      host: secret
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'status_page.enabled: must be true or false',
        'status_page.refresh: must be a duration from 500ms to 1m, got "2h"',
        'status_page.components[0]: needs probe: <probe name> or match: { rule, labels } to know which alerts concern it',
        'status_page.components[2].match: matches every alert; give a rule or labels',
        'status_page.components[3]: unknown key "host"',
      ]),
    );
  });

  it('refuses two components of one name', () => {
    expect(problemsOf(`
status_page:
  components:
    - { name: Website, probe: a }
    - { name: Website, probe: b }
`)).toEqual(['status_page.components[1].name: "Website" is used by another component']);
  });
});
