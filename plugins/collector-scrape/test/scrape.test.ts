import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@vigia/testing';
import scrapeCollector, { mergeLabels } from '../src/index.ts';
import { scrape, selfSigned, startHttp, startHttps, target, type Running } from './servers.ts';

const PAGE = `# HELP app_requests_total Requests.
# TYPE app_requests_total counter
app_requests_total{code="200",job="exporter-job"} 10
app_requests_total{code="500",instance="inner"} 2
# TYPE app_seconds histogram
app_seconds_bucket{route="a",le="0.1"} 1
app_seconds_bucket{route="a",le="+Inf"} 3
app_seconds_sum{route="a"} 0.9
app_seconds_count{route="a"} 3
app_seconds_bucket{route="b",le="0.1"} 4
app_seconds_bucket{route="b",le="+Inf"} 4
app_seconds_sum{route="b"} 0.2
app_seconds_count{route="b"} 4
app_idle{mode="idle"} 1
app_idle{mode="user"} 2
app_empty{tag=""} 5
app_quantile{quantile="0.5"} NaN
`;

const OPENMETRICS = `# TYPE om_events counter
om_events_total 7 # {trace_id="abc"} 1 1700000000.1
om_events_created 1700000000
# EOF
`;

describe('scraping a local exporter', () => {
  let server: Running;
  const seen: IncomingMessage[] = [];
  const secretDir = mkdtempSync(join(tmpdir(), 'vigia-scrape-secret-'));
  const passwordFile = join(secretDir, 'password');
  writeFileSync(passwordFile, 'file-pass\n');

  beforeAll(async () => {
    server = await startHttp((req: IncomingMessage, res: ServerResponse) => {
      seen.push(req);
      const path = req.url ?? '/';
      if (path === '/metrics') return res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(PAGE);
      if (path === '/gzip') return res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' }).end(gzipSync(PAGE));
      if (path === '/openmetrics') return res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }).end(OPENMETRICS);
      if (path === '/cut-openmetrics') return res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' }).end('om_events_total 7\n');
      if (path === '/auth') {
        const ok = req.headers.authorization === 'Bearer tok-123456' || req.headers.authorization === `Basic ${Buffer.from('prom:file-pass').toString('base64')}`;
        return ok ? res.end('secret_metric 1\n') : res.writeHead(401).end('{"error":"who are you"}');
      }
      if (path === '/garbage') return res.writeHead(200, { 'content-type': 'text/plain' }).end('up 1\nthis is not { a metrics page\n');
      if (path === '/html') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>login</html>');
      if (path === '/hang') return; // never answers
      if (path === '/redirect') return res.writeHead(302, { location: '/metrics' }).end();
      if (path === '/big') return res.end(`big 1\n${'#'.repeat(2_000)}\n`);
      res.writeHead(404).end();
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

  it('stores every series under its Prometheus name with job and instance, and renames clashing labels exported_*', async () => {
    const r = await scrape(target(url('/metrics'), { job: 'app', labels: { env: 'test' } }));
    expect(r.up).toBe(1);
    expect(r.invalid).toEqual([]);
    const instance = `127.0.0.1:${server.port}`;
    expect(r.series('app_requests_total')).toEqual([
      { name: 'app_requests_total', value: 10, labels: { code: '200', exported_job: 'exporter-job', job: 'app', instance, env: 'test' } },
      { name: 'app_requests_total', value: 2, labels: { code: '500', exported_instance: 'inner', job: 'app', instance, env: 'test' } },
    ]);
    expect(r.series('app_seconds_bucket').map((s) => s.labels)).toEqual([
      { route: 'a', le: '0.1', job: 'app', instance, env: 'test' },
      { route: 'a', le: '+Inf', job: 'app', instance, env: 'test' },
      { route: 'b', le: '0.1', job: 'app', instance, env: 'test' },
      { route: 'b', le: '+Inf', job: 'app', instance, env: 'test' },
    ]);
    expect(r.series('app_seconds_count').map((s) => s.value)).toEqual([3, 4]);
    // An empty label value is no label, and NaN is not stored (counted in the facts).
    expect(r.series('app_empty')[0]!.labels).toEqual({ job: 'app', instance, env: 'test' });
    expect(r.series('app_quantile')).toEqual([]);
    expect(r.info).toMatchObject({ ok: true, reason: null, format: 'prometheus', samples_scraped: 14, samples_stored: 13, samples_not_finite: 1, http_status: 200 });
    expect(r.series('scrape_samples_scraped')[0]).toMatchObject({ value: 14, labels: { job: 'app', instance, env: 'test' } });
    expect(r.series('scrape_duration_seconds')[0]!.value).toBeGreaterThan(0);
    // What Prometheus asks for, so exporters that speak OpenMetrics answer with it.
    expect(seen.at(-1)!.headers.accept).toMatch(/^application\/openmetrics-text;version=1\.0\.0/);
  });

  it('honor_labels keeps the exporter’s job and instance', async () => {
    const r = await scrape(target(url('/metrics'), { job: 'app', honorLabels: true }));
    expect(r.series('app_requests_total').map((s) => s.labels)).toEqual([
      { code: '200', job: 'exporter-job', instance: `127.0.0.1:${server.port}` },
      { code: '500', instance: 'inner', job: 'app' },
    ]);
    expect(mergeLabels({ job: 'a', exported_job: 'b' }, { job: 'c' }, false)).toEqual({ job: 'c', exported_job: 'b', exported_exported_job: 'a' });
  });

  it('relabel keep and drop by regex on a label, whole-value matches, in order', async () => {
    const r = await scrape(
      target(url('/metrics'), {
        relabel: [
          { action: 'keep', label: '__name__', regex: 'app_(idle|requests_total)' },
          { action: 'drop', label: 'mode', regex: 'idl' }, // not a whole match: keeps mode="idle"
          { action: 'drop', label: 'code', regex: '5..' },
        ],
      }),
    );
    expect(r.samples.filter((s) => s.name.startsWith('app_')).map((s) => `${s.name}${s.labels!.code ?? s.labels!.mode}`)).toEqual(['app_requests_total200', 'app_idleidle', 'app_idleuser']);
    expect(r.series('scrape_samples_post_metric_relabeling')[0]!.value).toBe(3);
    expect(r.series('scrape_samples_scraped')[0]!.value).toBe(14);
  });

  it('reads gzip and OpenMetrics (exemplars and _created left out)', async () => {
    expect((await scrape(target(url('/gzip')))).series('app_seconds_sum').length).toBe(2);
    const om = await scrape(target(url('/openmetrics')));
    expect(om.up).toBe(1);
    expect(om.info.format).toBe('openmetrics');
    expect(om.samples.filter((s) => s.name.startsWith('om_')).map((s) => [s.name, s.value])).toEqual([['om_events_total', 7]]);
    expect((await scrape(target(url('/cut-openmetrics')))).info.reason).toBe('the OpenMetrics page does not parse: line 2: an OpenMetrics page must end with # EOF (cut short?)');
  });

  it('logs in with a bearer token or basic auth (password from a file), and never shows the secret', async () => {
    const bearer = await scrape(target(url('/auth'), { auth: { type: 'bearer', token: 'tok-123456' } }));
    expect(bearer.up).toBe(1);
    expect(bearer.series('secret_metric')).toHaveLength(1);
    const basic = await scrape(target(url('/auth'), { auth: { type: 'basic', username: 'prom', passwordFile } }));
    expect(basic.up).toBe(1);

    const wrong = await scrape(target(url('/auth'), { auth: { type: 'bearer', token: 'wrong-token' } }));
    expect(wrong.up).toBe(0);
    expect(wrong.info).toMatchObject({ ok: false, http_status: 401, reason: 'HTTP 401 Unauthorized: check its bearer_token or basic_auth' });
    expect(JSON.stringify(wrong.info)).not.toContain('wrong-token');
    const none = await scrape(target(url('/auth')));
    expect(none.info.reason).toBe('HTTP 401 Unauthorized: it needs a bearer_token or basic_auth');
    const missing = await scrape(target(url('/auth'), { auth: { type: 'bearer', tokenFile: join(secretDir, 'nope') } }));
    expect(missing.info.reason).toBe(`cannot read bearer_token_file ${join(secretDir, 'nope')} (ENOENT)`);
  });

  it('fails a garbage or HTML page, a redirect, an oversized answer and too many samples with a reason, reporting up 0', async () => {
    const cases: [string, Partial<Parameters<typeof target>[1]>, string][] = [
      ['/garbage', {}, 'the Prometheus text page does not parse: line 2: "is" is not a number (value of this)'],
      ['/html', {}, "the answer is an HTML page, not metrics (is /html the exporter's metrics path?)"],
      ['/redirect', {}, 'HTTP 302 Found: redirects are not followed; give the final URL (/metrics)'],
      ['/missing', {}, 'HTTP 404 Not Found'],
      ['/big', { bodySizeLimit: 1_000 }, 'the answer is larger than body_size_limit (1000 bytes)'],
      ['/metrics', { sampleLimit: 5 }, '14 samples after relabelling, more than sample_limit (5); drop some with relabel or raise the limit'],
    ];
    for (const [path, more, reason] of cases) {
      const r = await scrape(target(url(path), more));
      expect(r.info.reason, path).toBe(reason);
      expect(r.up, path).toBe(0);
      // Only the scrape's own series: nothing of a page that failed.
      expect(r.samples.map((s) => s.name).sort(), path).toEqual(['scrape_duration_seconds', 'scrape_samples_post_metric_relabeling', 'scrape_samples_scraped', 'up']);
    }
  });

  it('gives up on a target that does not answer at its timeout, and on one nothing listens on', async () => {
    const slow = await scrape(target(url('/hang'), { timeoutMs: 500 }));
    expect(slow.info.reason).toBe('timed out after 0.5 s');
    expect(slow.up).toBe(0);
    const port = await freePort();
    const refused = await scrape(target(`http://127.0.0.1:${port}/metrics`));
    expect(refused.info.reason).toBe(`connection refused 127.0.0.1:${port}`);
  });

  it('scrapes a whole list at once when not run as parts, and makes one part per target', async () => {
    const a = target(url('/metrics'), { name: 'a' });
    const b = target(url('/missing'), { name: 'b', intervalMs: 10_000, timeoutMs: 2_000 });
    expect(scrapeCollector.parts!({ targets: [a, b] }).map((p) => [p.key, p.interval, p.timeout])).toEqual([
      ['a', 30_000, 7_000],
      ['b', 10_000, 4_000],
    ]);
    expect(scrapeCollector.scope).toBe('shared');
    const { runCollectorOnce } = await import('@vigia/plugin-sdk');
    const r = await runCollectorOnce(scrapeCollector, { config: { targets: [a, b] } });
    expect(r.samples.filter((s) => s.name === 'up').map((s) => s.value)).toEqual([1, 0]);
  });
});

describe('scraping over https', () => {
  let server: Running;
  let certFile: string;

  beforeAll(async () => {
    const tls = await selfSigned();
    certFile = tls.certFile;
    server = await startHttps(tls, (_req, res) => res.end('tls_metric 1\n'));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('trusts the CA of tls.ca_file, skips verification when told, and otherwise says why it refuses', async () => {
    const url = `https://localhost:${server.port}/metrics`;
    expect((await scrape(target(url, { tls: { caFile: certFile, insecureSkipVerify: false } }))).up).toBe(1);
    expect((await scrape(target(url, { tls: { insecureSkipVerify: true } }))).up).toBe(1);
    const refused = await scrape(target(url));
    expect(refused.up).toBe(0);
    expect(refused.info.reason).toBe(`TLS: localhost:${server.port} refused: its certificate is self-signed (give tls.ca_file, or tls.insecure_skip_verify: true)`);
    const plain = await scrape(target(`http://localhost:${server.port}/metrics`));
    expect(plain.up).toBe(0);
  });
});
