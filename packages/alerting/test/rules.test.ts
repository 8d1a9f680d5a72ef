import { describe, expect, it } from 'vitest';
import { loadConfig } from '@vigia/config';
import { configProblems, loadYamlConfig } from '@vigia/testing';
import { COLLECTOR_DOWN_RULE, buildChannels, buildRules, channelsFor, redact } from '../src/index.ts';

describe('buildRules', () => {
  it('applies defaults and adds the collector-down rule', () => {
    const rules = buildRules(loadConfig({ env: {} }));
    expect(rules).toHaveLength(15);
    const cpu = rules.find((r) => r.name === 'High CPU Usage')!;
    expect(cpu).toMatchObject({ forMs: 300_000, cooldownMs: 1_800_000, reduce: 'last', windowMs: 300_000, noData: 'ok' });
    expect(rules.find((r) => r.name === COLLECTOR_DOWN_RULE)).toMatchObject({ metric: 'vigia_collector_up', operator: '==', threshold: 0, forMs: 60_000 });
  });

  it('stops the start on an unknown template field, channel or duplicate name, naming rule and key', () => {
    const yaml = `alerts:
  rules:
    - { name: A, metric: m, operator: ">", threshold: 1, severity: info, channels: [pager], annotations: { summary: "{{ valeu }}" } }
    - { name: A, metric: m, operator: ">", threshold: 2, severity: info }
`;
    expect(configProblems(() => buildRules(loadYamlConfig(yaml)))).toEqual([
      'alerts.rules[0].annotations.summary (rule "A"): unknown field {{ valeu }}',
      'alerts.rules[1].name (rule "A"): two rules have this name; names identify alerts, so they must differ',
      'alerts.rules[0].channels (rule "A"): no channel named "pager" under channels',
    ]);
  });
});

describe('routing', () => {
  const c = loadYamlConfig(`channels:
  a: { type: webhook, url: "http://x" }
  b: { type: webhook, url: "http://y", enabled: false }
  c: { type: webhook, url: "http://z" }
alerts:
  routing: { critical: [c, b] }
`);
  it('uses the rule’s channels, else its severity’s, else every enabled channel', () => {
    expect(channelsFor({ channels: ['a'], severity: 'critical' }, c)).toEqual(['a']);
    expect(channelsFor({ severity: 'critical' }, c)).toEqual(['c']);
    expect(channelsFor({ severity: 'info' }, c)).toEqual(['a', 'c']);
  });
});

describe('channel templates', () => {
  const notifiers = new Map([['webhook', { name: 'webhook', send: async () => {} }]]);
  it('stop the start on an unknown field, naming the channel', () => {
    const c = loadYamlConfig(`channels:\n  hook: { type: webhook, url: "http://x", template: "{{ rule }} is {{ valeu }}" }\n`);
    expect(configProblems(() => buildChannels(c, notifiers))).toEqual(['channels.hook.template: unknown field {{ valeu }}']);
  });
  it('are kept with the channel and shown in its description', () => {
    const { channels, infos } = buildChannels(loadYamlConfig(`channels:\n  hook: { type: webhook, url: "http://x", template: "{{ rule }}: {{ labels.host }}" }\n`), notifiers);
    expect(channels.get('hook')!.template).toBe('{{ rule }}: {{ labels.host }}');
    expect(infos[0]!.template).toBe('{{ rule }}: {{ labels.host }}');
  });
});

describe('redact', () => {
  it('hides secrets by the plugin’s list and by their look', () => {
    expect(redact({ url: 'https://user:pw@h/x', password: 'p', api_key: 'k', host: 'h', to: ['a'], headers: { 'x-token': 't' } }, ['host'])).toEqual({
      url: 'https://***@h/x',
      password: '***',
      api_key: '***',
      host: '***',
      to: ['a'],
      headers: { 'x-token': '***' },
    });
  });
});
