import { describe, expect, it } from 'vitest';
import { loadYamlConfig as load, yamlConfigProblems as problemsOf } from '../src/testing.ts';

describe('probes: in monitoring.yaml', () => {
  it('normalises every kind of probe and hands them to the probe collector', () => {
    const config = load(`
probes:
  - name: web
    interval: 15s
    timeout: 3s
    labels: { team: shop }
    http: { url: "https://shop.example.com/health", method: post, expect_status: [200, "300-302"], json_path: $.status, equals: up }
  - name: port
    tcp: { host: db.internal, port: 5432 }
  - name: mx
    dns: { name: example.com, type: mx, server: "10.0.0.2:53", expect: mail.example.com }
  - name: cert
    tls: { host: example.com }
  - name: db
    postgres: { url: "postgres://app:pw@db:5432/app" }
  - name: cache
    redis: { url: "redis://cache:6379" }
`);
    expect(config.probes).toHaveLength(6);
    expect(config.probes[0]).toEqual({
      name: 'web',
      intervalMs: 15_000,
      timeoutMs: 3_000,
      labels: { team: 'shop' },
      check: {
        type: 'http',
        url: 'https://shop.example.com/health',
        method: 'POST',
        headers: {},
        expectStatus: [[200, 200], [300, 302]],
        jsonPath: '$.status',
        equals: 'up',
        followRedirects: true,
        tlsVerify: true,
      },
    });
    expect(config.probes[1]).toMatchObject({ intervalMs: 30_000, timeoutMs: 10_000, check: { type: 'tcp', host: 'db.internal', port: 5432 } });
    expect(config.probes[2]!.check).toEqual({ type: 'dns', name: 'example.com', recordType: 'MX', server: '10.0.0.2:53', expect: ['mail.example.com'] });
    expect(config.probes[3]!.check).toEqual({ type: 'tls', host: 'example.com', port: 443, tlsVerify: true });
    expect(config.probes[4]!.check).toEqual({ type: 'postgres', url: 'postgres://app:pw@db:5432/app', query: 'SELECT 1' });
    expect(config.collectors.probe?.options.probes).toBe(config.probes);
  });

  it('defaults expect_status to 200-399 and has no probes when the key is absent', () => {
    expect(load('probes:\n  - name: a\n    http: { url: "http://a" }\n').probes[0]!.check).toMatchObject({ expectStatus: [[200, 399]] });
    expect(load('log_level: info\n').probes).toEqual([]);
  });

  it('stops the start on a bad URL, an unknown type or a missing field, naming the key', () => {
    expect(
      problemsOf(`
probes:
  - name: a
    http: { url: "ftp://files.example.com" }
  - name: b
    http: { url: "not a url" }
  - name: c
    icmp: { host: x }
  - name: d
  - name: e
    tcp: { host: x }
  - name: f
    tcp: { host: x, port: 1 }
    tls: { host: x }
  - http: { url: "http://a" }
`),
    ).toEqual([
      'probes[0].http.url: must start with http:// or https:// (got ftp://)',
      'probes[1].http.url: is not a valid URL: "not a url"',
      'probes[2].icmp: unknown probe type or key (a probe has one of http, tcp, dns, tls, postgres, redis)',
      'probes[3]: needs one check: http, tcp, dns, tls, postgres, redis',
      'probes[4].tcp.port: must be a port number',
      'probes[5].tls: a probe has exactly one check; this one has tcp and tls',
      'probes[6].name: is required',
    ]);
  });

  it('refuses bad statuses, half a json check, a timeout past the interval, reserved labels and a repeated name', () => {
    expect(problemsOf('probes:\n  - name: a\n    http: { url: "http://a", expect_status: "2xx" }\n')).toEqual(['probes[0].http.expect_status: "2xx" is not a status or range like 200 or 200-299']);
    expect(problemsOf('probes:\n  - name: a\n    http: { url: "http://a", json_path: $.ok }\n')).toEqual(['probes[0].http.equals: json_path needs equals: the value expected there']);
    expect(problemsOf('probes:\n  - name: a\n    interval: 10s\n    timeout: 20s\n    tcp: { host: a, port: 1 }\n')).toEqual([
      'probes[0].timeout: must not be longer than the interval (10000 ms): the next check would start before this one ends',
    ]);
    expect(problemsOf('probes:\n  - name: a\n    labels: { probe: x }\n    tcp: { host: a, port: 1 }\n')).toEqual(['probes[0].labels.probe: probe, host and reason are set by Vigia']);
    expect(problemsOf('probes:\n  - name: a\n    tcp: { host: a, port: 1 }\n  - name: a\n    tcp: { host: b, port: 1 }\n')).toEqual(['probes[1].name: another probe is already named "a"']);
    expect(problemsOf('probes:\n  - name: a b\n    tcp: { host: a, port: 1 }\n')[0]).toMatch(/^probes\[0\]\.name: may only hold letters/);
  });
});

describe('probes: dns server', () => {
  it('takes an IP address with or without a port, and refuses a host name', () => {
    expect(load('probes:\n  - name: a\n    dns: { name: x.test, server: "[::1]:53" }\n').probes[0]!.check).toMatchObject({ server: '[::1]:53' });
    expect(load('probes:\n  - name: a\n    dns: { name: x.test, server: "10.0.0.2:5353" }\n').probes[0]!.check).toMatchObject({ server: '10.0.0.2:5353' });
    expect(problemsOf('probes:\n  - name: a\n    dns: { name: x.test, server: dns.example.com }\n')).toEqual([
      'probes[0].dns.server: must be an IP address, optionally with :port (10.0.0.2, 10.0.0.2:5353, [::1]:53)',
    ]);
  });
});
