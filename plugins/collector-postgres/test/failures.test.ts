import { describe, expect, it } from 'vitest';
import { runCollectorOnce } from '@vigia/plugin-sdk';
import postgresCollector from '../src/index.ts';

describe('postgres collector failures', () => {
  it('throws a clear error naming the target, never the password, when the server refuses', async () => {
    const failure = runCollectorOnce(postgresCollector(), { config: { host: '127.0.0.1', port: 1, user: 'app', database: 'shop', password: 'hunter2-secret' } });
    await expect(failure).rejects.toThrow(/^PostgreSQL app@127\.0\.0\.1:1\/shop: .*ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  it('keeps the password of a URL out of the error too', async () => {
    const failure = runCollectorOnce(postgresCollector(), { config: { url: 'postgres://app:s3cret-pw@127.0.0.1:1/shop' } });
    await expect(failure).rejects.toThrow(/^PostgreSQL app@127\.0\.0\.1:1\/shop: /);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('validates its options', async () => {
    await expect(runCollectorOnce(postgresCollector(), { config: { url: 'mysql://x' } })).rejects.toThrow();
    await expect(runCollectorOnce(postgresCollector(), { config: { top_tables: -1 } })).rejects.toThrow();
  });
});
