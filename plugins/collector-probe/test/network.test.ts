import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './probe.ts';
import { closedPort, startDns, startHttp, startTcp, type Running } from './servers.ts';

describe('tcp probe', () => {
  it('passes on an open port', async () => {
    const listener = await startTcp();
    try {
      const r = await probe({ type: 'tcp', host: '127.0.0.1', port: listener.port });
      expect(r.value('probe_success')).toBe(1);
      expect(r.info).toMatchObject({ ok: true, type: 'tcp', target: `127.0.0.1:${listener.port}` });
    } finally {
      await listener.close();
    }
  });

  it('fails a closed port with "connection refused" and the address', async () => {
    const port = await closedPort();
    const r = await probe({ type: 'tcp', host: '127.0.0.1', port });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe(`connection refused 127.0.0.1:${port}`);
  });
});

describe('dns probe against a DNS server of the test', () => {
  let dns: Running;
  beforeAll(async () => {
    dns = await startDns({ 'shop.test': '10.1.2.3' });
  });
  afterAll(async () => {
    await dns.close();
  });
  const server = () => `127.0.0.1:${dns.port}`;

  it('passes when the answer holds the expected address', async () => {
    const r = await probe({ type: 'dns', name: 'shop.test', recordType: 'A', server: server(), expect: ['10.1.2.3'] });
    expect(r.value('probe_success')).toBe(1);
  });

  it('fails an answer that is not the expected one, saying what it was', async () => {
    const r = await probe({ type: 'dns', name: 'shop.test', recordType: 'A', server: server(), expect: ['10.9.9.9'] });
    expect(r.info.reason).toBe('A shop.test is 10.1.2.3, expected 10.9.9.9');
  });

  it('fails a name the server does not know', async () => {
    const r = await probe({ type: 'dns', name: 'missing.test', recordType: 'A', server: server() });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('no A record for missing.test');
  });

  it('fails, within its timeout, against a server that never answers', async () => {
    const silent = await startHttp(() => {}); // a port with no DNS server on UDP
    try {
      const r = await probe({ type: 'dns', name: 'shop.test', recordType: 'A', server: `127.0.0.1:${silent.port}` }, { timeoutMs: 500 });
      expect(r.value('probe_success')).toBe(0);
      expect(r.info.reason).toMatch(/^(timed out after 0.5 s|127\.0\.0\.1:\d+ did not answer for shop\.test|connection refused by 127\.0\.0\.1:\d+)$/);
    } finally {
      await silent.close();
    }
  });
});
