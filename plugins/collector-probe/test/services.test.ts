import { describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '@vigia/testing';
import { probe } from './probe.ts';
import { closedPort } from './servers.ts';

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

describe('postgres probe against the real PostgreSQL', () => {
  it('logs in and runs the query', async () => {
    const r = await probe({ type: 'postgres', url: TEST_POSTGRES_URL, query: 'SELECT 1' });
    expect(r.info.reason).toBeNull();
    expect(r.value('probe_success')).toBe(1);
  });

  it('fails a database that does not exist, with the server’s words', async () => {
    const r = await probe({ type: 'postgres', url: withDatabase(TEST_POSTGRES_URL, 'vigia_probe_no_such_db'), query: 'SELECT 1' });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toBe('database "vigia_probe_no_such_db" does not exist');
  });

  it('fails a query that errors', async () => {
    const r = await probe({ type: 'postgres', url: TEST_POSTGRES_URL, query: 'SELECT * FROM vigia_probe_no_such_table' });
    expect(r.info.reason).toBe('relation "vigia_probe_no_such_table" does not exist');
  });

  it('says connection refused when nothing listens', async () => {
    const port = await closedPort();
    const r = await probe({ type: 'postgres', url: `postgres://postgres:pw-not-shown@127.0.0.1:${port}/postgres`, query: 'SELECT 1' });
    expect(r.info.reason).toBe(`connection refused 127.0.0.1:${port}`);
    expect(JSON.stringify(r)).not.toContain('pw-not-shown');
  });
});

describe('redis probe against the real Redis', () => {
  it('connects and gets PONG', async () => {
    const r = await probe({ type: 'redis', url: TEST_REDIS_URL });
    expect(r.info.reason).toBeNull();
    expect(r.value('probe_success')).toBe(1);
  });

  it('fails a login with a wrong password, in the server’s words, without the password', async () => {
    const url = new URL(TEST_REDIS_URL);
    url.username = 'vigia-probe-nobody';
    url.password = 'wrong-password-x';
    const r = await probe({ type: 'redis', url: url.toString() });
    expect(r.value('probe_success')).toBe(0);
    expect(r.info.reason).toMatch(/WRONGPASS|invalid username-password/);
    expect(JSON.stringify(r)).not.toContain('wrong-password-x');
  });

  it('says connection refused when nothing listens', async () => {
    const port = await closedPort();
    const r = await probe({ type: 'redis', url: `redis://127.0.0.1:${port}` });
    expect(r.info.reason).toBe(`connection refused 127.0.0.1:${port}`);
  });
});
