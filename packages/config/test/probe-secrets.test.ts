import { describe, expect, it } from 'vitest';
import { MASK, maskProbe, restoreProbeSecrets } from '../src/index.ts';

describe('secrets of a stored probe', () => {
  const stored = {
    interval: '30s',
    http: { url: 'https://monitor:s3cret-pw@shop.example.com/health?api_key=k3y&page=2', headers: { Authorization: 'Bearer t0k', 'X-Api-Key': 'abc', Accept: 'text/html' } },
  };

  it('are shown as *** wherever they are, and only they', () => {
    const masked = maskProbe(stored);
    const text = JSON.stringify(masked);
    for (const secret of ['s3cret-pw', 'k3y', 'Bearer t0k', '"abc"']) expect(text).not.toContain(secret);
    expect(masked.http.headers).toEqual({ Authorization: MASK, 'X-Api-Key': MASK, Accept: 'text/html' });
    expect(new URL(masked.http.url).searchParams.get('page')).toBe('2');
    expect(stored.http.headers.Authorization, 'the argument is left as it was').toBe('Bearer t0k');
    expect(maskProbe({ postgres: { url: 'postgres://monitor:pw-9@db/shop' } }).postgres.url).toBe('postgres://monitor:***@db/shop');
    expect(maskProbe({ tcp: { host: 'db', port: 5432 } })).toEqual({ tcp: { host: 'db', port: 5432 } });
  });

  it('come back from the stored probe where an edit sends *** back, and change where it sends a new value', () => {
    const edited = structuredClone(maskProbe(stored));
    edited.http.url = edited.http.url.replace('/health', '/ready');
    edited.http.headers['X-Api-Key'] = 'new-key';
    const restored = restoreProbeSecrets(edited, stored) as typeof stored;
    expect(restored.http.url).toBe('https://monitor:s3cret-pw@shop.example.com/ready?api_key=k3y&page=2');
    expect(restored.http.headers).toEqual({ Authorization: 'Bearer t0k', 'X-Api-Key': 'new-key', Accept: 'text/html' });
  });
});
