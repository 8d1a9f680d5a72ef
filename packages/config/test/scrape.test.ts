import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFile as fileWith, loadYamlConfig as load, yamlConfigProblems as problemsOf } from '../src/testing.ts';
import { loadConfig } from '../src/index.ts';

describe('scrape: in monitoring.yaml', () => {
  it('normalises a target and hands the list to the scrape collector', () => {
    const config = load(`
scrape:
  - job: node
    url: http://10.0.0.5:9100/metrics
  - job: app
    name: app-1
    url: https://app.internal/metrics
    instance: app-1
    interval: 15s
    timeout: 3s
    basic_auth: { username: prom, password: s3cret }
    tls: { ca_file: /etc/ssl/app-ca.pem, server_name: app.internal, insecure_skip_verify: false }
    honor_labels: true
    labels: { env: prod }
    relabel:
      - { action: drop, label: mode, regex: "idle|iowait" }
      - { action: keep, regex: "app_.*" }
    sample_limit: 1000
`);
    expect(config.scrape).toHaveLength(2);
    expect(config.scrape[0]).toEqual({
      name: 'node',
      job: 'node',
      url: 'http://10.0.0.5:9100/metrics',
      instance: '10.0.0.5:9100',
      intervalMs: 30_000,
      timeoutMs: 10_000,
      auth: undefined,
      tls: { caFile: undefined, certFile: undefined, keyFile: undefined, serverName: undefined, insecureSkipVerify: false },
      honorLabels: false,
      labels: {},
      relabel: [],
      sampleLimit: 50_000,
      bodySizeLimit: 16 * 1024 * 1024,
    });
    expect(config.scrape[1]).toMatchObject({
      name: 'app-1',
      instance: 'app-1',
      intervalMs: 15_000,
      timeoutMs: 3_000,
      auth: { type: 'basic', username: 'prom', password: 's3cret' },
      tls: { caFile: '/etc/ssl/app-ca.pem', serverName: 'app.internal', insecureSkipVerify: false },
      honorLabels: true,
      labels: { env: 'prod' },
      relabel: [
        { action: 'drop', label: 'mode', regex: 'idle|iowait' },
        { action: 'keep', label: '__name__', regex: 'app_.*' },
      ],
      sampleLimit: 1000,
    });
    expect(config.collectors.scrape?.options.targets).toBe(config.scrape);
    expect(load('log_level: info\n').scrape).toEqual([]);
  });

  it('takes the default port of the scheme as the instance and resolves secret files against the config file', () => {
    const file = fileWith(`
scrape:
  - job: a
    url: https://a.example.com/metrics
    bearer_token_file: secrets/a-token
    tls: { ca_file: ca.pem, cert_file: /abs/client.pem, key_file: client.key }
  - job: b
    url: http://b.example.com/metrics
    basic_auth: { username: u, password_file: b-pass }
`);
    const config = loadConfig({ env: {}, file });
    const dir = dirname(file);
    expect(config.scrape[0]).toMatchObject({
      instance: 'a.example.com:443',
      auth: { type: 'bearer', tokenFile: join(dir, 'secrets/a-token') },
      tls: { caFile: join(dir, 'ca.pem'), certFile: '/abs/client.pem', keyFile: join(dir, 'client.key') },
    });
    expect(config.scrape[1]).toMatchObject({ instance: 'b.example.com:80', auth: { type: 'basic', username: 'u', passwordFile: join(dir, 'b-pass') } });
  });

  it('stops the start on a bad URL, a missing job, an unknown key or a bad duration, naming the key', () => {
    expect(
      problemsOf(`
scrape:
  - job: a
    url: ftp://files.example.com/metrics
  - job: b
    url: "not a url"
  - url: http://c/metrics
  - job: d
    url: http://d/metrics
    intervall: 10s
  - job: e
    url: http://e/metrics
    interval: 10x
  - job: f
`),
    ).toEqual([
      'scrape[0].url: must start with http:// or https:// (got ftp://)',
      'scrape[1].url: is not a valid URL (write it like http://10.0.0.5:9100/metrics)',
      'scrape[2].job: is required (the job label, like node)',
      'scrape[3]: unknown key "intervall"',
      'scrape[4].interval: invalid interval: "10x" (write it like 500ms, 10s or 1m)',
      'scrape[5].url: is required (the exporter’s metrics page, like http://10.0.0.5:9100/metrics)',
    ]);
  });

  it('refuses a password in the URL without repeating it', () => {
    const problems = problemsOf('scrape:\n  - job: a\n    url: "http://prom:hunter22@a:9100/metrics"\n');
    expect(problems).toEqual(['scrape[0].url: must not hold a user or password: put them under basic_auth (the URL is shown, they are not)']);
    expect(problems.join('\n')).not.toContain('hunter22');
  });

  it('refuses two ways to log in, a password twice, half a client certificate and tls on http', () => {
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    bearer_token: t\n    basic_auth: { username: u, password: p }\n')).toEqual([
      'scrape[0].basic_auth: give one way to log in; this target has bearer_token and basic_auth',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    basic_auth: { username: u, password: p, password_file: f }\n')).toEqual([
      'scrape[0].basic_auth.password_file: give password or password_file, not both',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    url: https://a/metrics\n    tls: { cert_file: c.pem }\n')).toEqual([
      'scrape[0].tls.key_file: cert_file and key_file go together (a client certificate and its key)',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    tls: { insecure_skip_verify: true }\n')).toEqual(['scrape[0].tls: tls options need an https:// url']);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    basic_auth: { password: p }\n')).toEqual(['scrape[0].basic_auth.username: is required (the user name)']);
  });

  it('refuses a bad relabel rule, reserved or malformed labels, a timeout past the interval and a repeated name', () => {
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    relabel: [{ action: replace, regex: x }]\n')).toEqual(['scrape[0].relabel[0].action: must be keep or drop']);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    relabel: [{ action: keep, regex: "node_(cpu" }]\n')[0]).toMatch(/^scrape\[0\]\.relabel\[0\]\.regex: is not a valid regular expression: /);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    relabel: [{ action: keep, label: "mo-de", regex: x }]\n')).toEqual([
      'scrape[0].relabel[0].label: must be a label name like mode (or __name__ for the metric name)',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    relabel: [{ action: drop }]\n')).toEqual(['scrape[0].relabel[0].regex: is required (matched against the whole label value)']);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    labels: { job: x, "bad-name": y }\n')).toEqual([
      "scrape[0].labels.job: set job with the target's own job: key",
      'scrape[0].labels.bad-name: label names must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    url: http://a/metrics\n    interval: 10s\n    timeout: 20s\n')).toEqual([
      'scrape[0].timeout: must not be longer than the interval (10000 ms): the next scrape would start before this one ends',
    ]);
    expect(problemsOf('scrape:\n  - job: node\n    url: http://a:9100/metrics\n  - job: node\n    url: http://b:9100/metrics\n')).toEqual([
      'scrape[1].name: another target is already named "node" (targets of one job need a name: each)',
    ]);
    expect(problemsOf('scrape:\n  - job: a\n    name: "a b"\n    url: http://a/metrics\n')[0]).toMatch(/^scrape\[0\]\.name: may only hold letters/);
  });
});
