import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, makeCertificate } from './certificates.ts';
import { http, probe } from './probe.ts';
import { startHttps, type Running } from './servers.ts';

describe('TLS targets with certificates made in the test', () => {
  let fresh: Running;
  let expired: Running;

  beforeAll(async () => {
    const now = Date.now();
    // Ten days left (and a bit, so whole days read 10 whatever the time the test takes).
    fresh = await startHttps(await makeCertificate(new Date(now - DAY), new Date(now + 10 * DAY + 3_600_000)), (_req, res) => res.end('secure ok'));
    // Expired three days (and a bit) ago.
    expired = await startHttps(await makeCertificate(new Date(now - 30 * DAY), new Date(now - 3 * DAY - 3_600_000)), (_req, res) => res.end('stale'));
  });

  afterAll(async () => {
    await Promise.all([fresh?.close(), expired?.close()]);
  });

  it('an https probe reports the days left of a short-lived certificate', async () => {
    const r = await probe(http(`https://localhost:${fresh.port}/`, { tlsVerify: false, keyword: 'secure ok' }));
    expect(r.value('probe_success')).toBe(1);
    expect(Math.floor(r.value('probe_tls_days_left')!)).toBe(10);
    expect(r.info.tls_days_left).toBe(10);
  });

  it('an https probe that verifies refuses a self-signed certificate, in words, and still reports its days', async () => {
    const r = await probe(http(`https://localhost:${fresh.port}/`));
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('certificate is self-signed and not trusted (set tls_verify: false to accept it)');
    expect(Math.floor(r.value('probe_tls_days_left')!)).toBe(10);
  });

  it('a tls probe reports the days left and passes without verification', async () => {
    const r = await probe({ type: 'tls', host: 'localhost', port: fresh.port, tlsVerify: false });
    expect(r.value('probe_success')).toBe(1);
    expect(Math.floor(r.value('probe_tls_days_left')!)).toBe(10);
  });

  it('a tls probe that verifies refuses a self-signed certificate, in words, with its days left', async () => {
    const r = await probe({ type: 'tls', host: 'localhost', port: fresh.port, tlsVerify: true });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('certificate is self-signed and not trusted (set tls_verify: false to accept it)');
    expect(Math.floor(r.value('probe_tls_days_left')!)).toBe(10);
  });

  it('a tls probe says "certificate expired 3 days ago" of an expired certificate', async () => {
    const r = await probe({ type: 'tls', host: '127.0.0.1', port: expired.port, tlsVerify: false }, { name: 'old-cert' });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('certificate expired 3 days ago');
    expect(Math.ceil(r.value('probe_tls_days_left')!)).toBe(-3);
    expect(r.samples.find((s) => s.name === 'probe_failure_info')).toMatchObject({ value: 1, labels: { probe: 'old-cert', reason: 'certificate expired 3 days ago' } });
  });

  it('an https probe that verifies says the certificate expired, with its days', async () => {
    const r = await probe(http(`https://localhost:${expired.port}/`));
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('certificate expired 3 days ago');
    expect(Math.ceil(r.value('probe_tls_days_left')!)).toBe(-3);
  });
});
