import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../src/index.ts';
import { configFile, configProblems } from '../src/testing.ts';

describe('loadConfig', () => {
  it('loads the shipped defaults with the seed rules', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 5001 });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.retention).toEqual({ raw: 48 * 3600e3, '1m': 30 * 86400e3, '1h': 400 * 86400e3 });
    const rules = Object.fromEntries(config.alerts.rules.map((r) => [r.name, r]));
    expect(Object.keys(rules)).toHaveLength(14);
    expect(rules['High CPU Usage']).toMatchObject({ metric: 'cpu_usage', operator: '>', threshold: 90, for: 300_000 });
    expect(rules['Critical Memory']).toMatchObject({ threshold: 95, for: 120_000, severity: 'critical' });
    expect(rules['High Disk Usage']).toMatchObject({ threshold: 90, for: 600_000 });
    expect(rules['Critical Hit Rate']).toMatchObject({ operator: '<', threshold: 60, for: 300_000 });
  });

  it('lets the environment override the file, with the seed names', () => {
    const config = loadConfig({
      env: { MONITORING_PORT: '6001', MONITORING_HOST: '0.0.0.0', REDIS_HOST: 'cache', REDIS_PORT: '6380', REDIS_PASSWORD: 's3cret', ALERT_TO_EMAIL_2: 'b@x', ALERT_TO_EMAIL_1: 'a@x' },
    });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 6001 });
    expect(config.redis.url).toBe('redis://:s3cret@cache:6380');
    expect(config.env.email.to).toEqual(['a@x', 'b@x']);
  });

  it('prefers REDIS_URL over REDIS_HOST/PORT', () => {
    expect(loadConfig({ env: { REDIS_URL: 'redis://r:1/2', REDIS_HOST: 'other' } }).redis.url).toBe('redis://r:1/2');
  });

  it('reads MONITORING_CONFIG', () => {
    const file = configFile('collection:\n  interval: 1s\ncollectors:\n  system:\n    interval: 2s\n    extra: 3\n');
    const config = loadConfig({ env: { MONITORING_CONFIG: file } });
    expect(config.collection.intervalMs).toBe(1000);
    expect(config.collectors.system).toEqual({ enabled: true, intervalMs: 2000, timeoutMs: undefined, options: { extra: 3 } });
  });

  it('names the file, the key path and the problem', () => {
    const file = configFile('collectors:\n  system:\n    interval: 5x\n');
    const problems = configProblems(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual(['collectors.system.interval: invalid duration "5x" (write it like 30s, 5m, 1h or 7d)']);
    try {
      loadConfig({ file, env: {} });
    } catch (error) {
      expect((error as Error).message).toContain(file.split('/').pop());
    }
  });

  it('names the rule and key of an invalid rule', () => {
    const file = configFile(
      'alerts:\n  rules:\n    - name: ok\n      metric: cpu_usage\n      operator: ">"\n      threshold: 1\n      severity: info\n' +
        '    - name: Broken\n      metric: cpu_usage\n      operator: "=>"\n      threshold: high\n      for: soon\n      severity: info\n',
    );
    const problems = configProblems(() => loadConfig({ file, env: {} }));
    expect(problems).toContain('alerts.rules[1].operator (rule "Broken"): unknown operator "=>" (use one of > >= < <= == !=)');
    expect(problems).toContain('alerts.rules[1].threshold (rule "Broken"): threshold must be a number, got "high"');
    expect(problems.some((p) => p.startsWith('alerts.rules[1].for (rule "Broken"): invalid duration'))).toBe(true);
  });

  it('reports unknown keys and YAML syntax errors with their place', () => {
    expect(configProblems(() => loadConfig({ file: configFile('colection:\n  interval: 5s\n'), env: {} }))).toEqual(['(top level): unknown key "colection"']);
    expect(configProblems(() => loadConfig({ file: configFile('a: [1,\n'), env: {} }))[0]).toMatch(/^YAML syntax at line \d+/);
  });

  it('refuses a bad environment value by name', () => {
    expect(() => loadConfig({ env: { MONITORING_PORT: 'http' } })).toThrow(/MONITORING_PORT/);
  });

  it('says when the file is missing', () => {
    expect(configProblems(() => loadConfig({ file: '/nonexistent/monitoring.yaml', env: {} }))[0]).toMatch(/does not exist/);
    expect(DEFAULT_CONFIG_FILE).toMatch(/config\/monitoring\.yaml$/);
  });
});

describe('the host a worker reports its machine under', () => {
  const named = configFile('collection:\n  host: db-primary\n');

  it('is VIGIA_HOSTNAME, else collection.host, else the machine’s hostname', () => {
    expect(loadConfig({ file: named, env: { VIGIA_HOSTNAME: 'web-1' } }).collection.host).toBe('web-1');
    expect(loadConfig({ file: named, env: {} }).collection.host).toBe('db-primary');
    expect(loadConfig({ file: configFile('collection:\n  interval: 5s\n'), env: {} }).collection.host).toBe(hostname());
    expect(loadConfig({ env: { VIGIA_HOSTNAME: 'web-2' } }).collection.host).toBe('web-2');
    expect(loadConfig({ env: {} }).collection.host).toBe(hostname());
  });

  it('ignores an empty VIGIA_HOSTNAME and refuses an empty collection.host', () => {
    expect(loadConfig({ file: named, env: { VIGIA_HOSTNAME: ' ' } }).collection.host).toBe('db-primary');
    expect(configProblems(() => loadConfig({ file: configFile('collection:\n  host: ""\n'), env: {} }))).toEqual([
      'collection.host: must not be empty (leave it out to use the machine’s hostname)',
    ]);
  });
});

describe('environment for collectors and channels', () => {
  it('passes the seed DB_* to the postgres collector and enables channels from *_ALERTS_ENABLED', () => {
    const config = loadConfig({
      env: {
        DB_HOST: 'db.internal', DB_NAME: 'frete_sistema', DB_PASSWORD: 'pw',
        EMAIL_ALERTS_ENABLED: 'true', SMTP_HOST: 'smtp.x', SMTP_PORT: '2525', ALERT_FROM_EMAIL: 'a@x', ALERT_TO_EMAIL_1: 'b@x',
        WEBHOOK_ALERTS_ENABLED: 'false', ALERT_WEBHOOK_URL: 'http://hook',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/C',
      },
    });
    expect(config.collectors.postgres!.options).toMatchObject({ host: 'db.internal', database: 'frete_sistema', password: 'pw' });
    expect(config.collectors.redis!.options.url).toBe('redis://127.0.0.1:6379');
    expect(config.channels.email).toEqual({ type: 'email', enabled: true, host: 'smtp.x', port: 2525, from: 'a@x', to: ['b@x'] });
    expect(config.channels.webhook).toMatchObject({ type: 'webhook', enabled: false, url: 'http://hook' });
    expect(config.channels.slack).toMatchObject({ type: 'slack', enabled: false });
  });
});
