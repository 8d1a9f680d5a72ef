import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, probe } from './probe.ts';
import { closedPort, startHttp, type Running } from './servers.ts';

describe('http probe against a local HTTP server', () => {
  let server: Running;
  let base: string;
  const hung: import('node:http').ServerResponse[] = [];

  beforeAll(async () => {
    server = await startHttp((req, res) => {
      const path = req.url ?? '/';
      if (path === '/ok') return res.end('all systems ok');
      if (path === '/down') return void res.writeHead(503).end('maintenance');
      if (path === '/json') return res.setHeader('content-type', 'application/json').end(JSON.stringify({ status: 'up', checks: [{ db: { ok: true } }], count: 3 }));
      if (path === '/to-file') return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      if (path === '/to-ok') return void res.writeHead(301, { location: '/ok' }).end();
      if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (path === '/echo' && req.method === 'POST') {
        let body = '';
        req.on('data', (c) => (body += c));
        return req.on('end', () => res.end(`${req.headers['x-token']}:${body}`));
      }
      if (path === '/hang') return void hung.push(res);
      res.writeHead(404).end('no such page');
    });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    for (const res of hung) res.destroy();
    await server.close();
  });

  it('passes on a 200 with the keyword, and reports the status and a duration', async () => {
    const r = await probe(http(`${base}/ok`, { keyword: 'ok' }), { labels: { team: 'web' } });
    expect(r.value('probe_success')).toBe(1);
    expect(r.value('probe_http_status')).toBe(200);
    expect(r.value('probe_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect(r.samples.find((s) => s.name === 'probe_success')?.labels).toEqual({ probe: expect.stringMatching(/^target-/), team: 'web' });
    expect(r.samples.some((s) => s.name === 'probe_tls_days_left')).toBe(false);
    expect(r.info).toMatchObject({ ok: true, type: 'http', target: `127.0.0.1:${server.port}`, http_status: 200, reason: null });
  });

  it('fails a status outside expect_status with the reason "status 503 not in 200-399"', async () => {
    const r = await probe(http(`${base}/down`), { name: 'down' });
    expect(r.value('probe_success')).toBe(0);
    expect(r.value('probe_http_status')).toBe(503);
    expect(r.info.reason).toBe('status 503 not in 200-399');
    expect(r.samples.find((s) => s.name === 'probe_failure_info')).toMatchObject({ value: 1, labels: { probe: 'down', reason: 'status 503 not in 200-399' } });
  });

  it('accepts a status listed in expect_status (a list of statuses and ranges)', async () => {
    const r = await probe(
      http(`${base}/down`, {
        expectStatus: [
          [200, 200],
          [500, 503],
        ],
      }),
    );
    expect(r.value('probe_success')).toBe(1);
  });

  it('fails when the keyword is missing, or when keyword_absent is present', async () => {
    const missing = await probe(http(`${base}/ok`, { keyword: 'healthy' }));
    expect(missing.value('probe_success')).toBe(0);
    expect(missing.info.reason).toBe('keyword "healthy" not found');
    const present = await probe(http(`${base}/ok`, { keywordAbsent: 'ok' }));
    expect(present.info.reason).toBe('keyword "ok" found (it must be absent)');
  });

  it('compares json_path with equals', async () => {
    expect((await probe(http(`${base}/json`, { jsonPath: '$.status', equals: 'up' }))).value('probe_success')).toBe(1);
    expect((await probe(http(`${base}/json`, { jsonPath: 'checks[0].db.ok', equals: true }))).value('probe_success')).toBe(1);
    expect((await probe(http(`${base}/json`, { jsonPath: '$.count', equals: '3' }))).value('probe_success')).toBe(1);
    const wrong = await probe(http(`${base}/json`, { jsonPath: '$.status', equals: 'down' }));
    expect(wrong.info.reason).toBe('$.status is "up", expected "down"');
    const absent = await probe(http(`${base}/json`, { jsonPath: '$.nope', equals: 1 }));
    expect(absent.info.reason).toBe('$.nope not found in the answer');
    const notJson = await probe(http(`${base}/ok`, { jsonPath: '$.status', equals: 'up' }));
    expect(notJson.info.reason).toBe('the answer is not JSON (json_path needs JSON)');
  });

  it('sends the method, headers and body', async () => {
    const r = await probe(http(`${base}/echo`, { method: 'POST', headers: { 'x-token': 't1' }, body: 'ping', keyword: 't1:ping' }));
    expect(r.value('probe_success')).toBe(1);
  });

  it('follows http redirects, and not with follow_redirects: false', async () => {
    const followed = await probe(http(`${base}/to-ok`, { keyword: 'all systems ok' }));
    expect(followed.value('probe_success')).toBe(1);
    expect(followed.value('probe_http_status')).toBe(200);
    const kept = await probe(http(`${base}/to-ok`, { followRedirects: false, expectStatus: [[200, 299]] }));
    expect(kept.info.reason).toBe('status 301 not in 200-299');
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const r = await probe(http(`${base}/to-file`));
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('redirect to file:// refused (only http and https are followed)');
  });

  it('stops a redirect loop', async () => {
    const r = await probe(http(`${base}/loop`));
    expect(r.info.reason).toBe('more than 10 redirects');
  });

  it('times out a server that never answers by its own timeout', async () => {
    const r = await probe(http(`${base}/hang`), { timeoutMs: 500 });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('timed out after 0.5 s');
    expect(r.samples.some((s) => s.name === 'probe_http_status')).toBe(false);
  });

  it('says "connection refused" with the address and port', async () => {
    const port = await closedPort();
    const r = await probe(http(`http://127.0.0.1:${port}/`));
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe(`connection refused 127.0.0.1:${port}`);
  });

  it('never shows the password of a URL in its reason or facts', async () => {
    const port = await closedPort();
    const r = await probe(http(`http://user:s3cret-pass@127.0.0.1:${port}/`));
    expect(JSON.stringify([r.info, r.samples])).not.toContain('s3cret-pass');
  });

  it('sets the failure series of the last reason to 0 once the probe recovers', async () => {
    let healthy = false;
    const flappy = await startHttp((_req, res) => void (healthy ? res.end('fine') : res.writeHead(500).end()));
    try {
      const url = `http://127.0.0.1:${flappy.port}/`;
      const failing = await probe(http(url), { name: 'flappy' });
      expect(failing.samples.find((s) => s.name === 'probe_failure_info')).toMatchObject({ value: 1, labels: { reason: 'status 500 not in 200-399' } });
      healthy = true;
      const recovered = await probe(http(url), { name: 'flappy' });
      expect(recovered.value('probe_success')).toBe(1);
      expect(recovered.samples.find((s) => s.name === 'probe_failure_info')).toMatchObject({ value: 0, labels: { reason: 'status 500 not in 200-399' } });
    } finally {
      await flappy.close();
    }
  });
});
