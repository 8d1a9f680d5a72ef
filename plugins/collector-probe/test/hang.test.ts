import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from './probe.ts';
import { startHttp, startSilentTcp, type Running } from './servers.ts';

describe('a server that accepts and never answers is timed out by the probe’s own timeout', () => {
  let silent: Running;
  beforeAll(async () => {
    silent = await startSilentTcp();
  });
  afterAll(async () => {
    await silent.close();
  });

  it('postgres', async () => {
    const r = await probe({ type: 'postgres', url: `postgres://postgres@127.0.0.1:${silent.port}/postgres`, query: 'SELECT 1' }, { timeoutMs: 500 });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('timed out after 0.5 s');
  });

  it('redis', async () => {
    const r = await probe({ type: 'redis', url: `redis://127.0.0.1:${silent.port}` }, { timeoutMs: 500 });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('timed out after 0.5 s');
  });

  it('tls', async () => {
    const r = await probe({ type: 'tls', host: '127.0.0.1', port: silent.port, tlsVerify: true }, { timeoutMs: 500 });
    expect(r.info.reason).toBe('timed out after 0.5 s');
  });
});

describe('a tls probe of a port that speaks plain HTTP', () => {
  it('says the target did not answer with TLS', async () => {
    const plain = await startHttp((_req, res) => res.end('plain'));
    try {
      const r = await probe({ type: 'tls', host: '127.0.0.1', port: plain.port, tlsVerify: true });
      expect(r.value('probe_success')).toBe(0);
      expect(r.info.reason).toBe(`127.0.0.1:${plain.port} did not answer with TLS`);
    } finally {
      await plain.close();
    }
  });
});
