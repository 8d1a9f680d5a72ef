import { describe, expect, it } from 'vitest';
import { EnvError, loadConfig } from '../src/index.ts';

describe('VIGIA_TRUST_PROXY', () => {
  it('trusts no proxy unless told', () => {
    expect(loadConfig({ env: {} }).server.trustProxy).toEqual([]);
    expect(loadConfig({ env: { VIGIA_TRUST_PROXY: ' ' } }).server.trustProxy).toEqual([]);
  });

  it('reads a comma list of addresses, CIDR ranges and range names', () => {
    const config = loadConfig({ env: { VIGIA_TRUST_PROXY: '127.0.0.1, 172.16.0.0/12,::1 ,fd00::/8,loopback' } });
    expect(config.server.trustProxy).toEqual(['127.0.0.1', '172.16.0.0/12', '::1', 'fd00::/8', 'loopback']);
  });

  it('stops on a malformed entry, naming the variable and the entry', () => {
    for (const [value, bad, why] of [
      ['127.0.0.1,nginx', 'nginx', /not an IP address or CIDR/],
      ['10.0.0.0/33', '10.0.0.0/33', /prefix length \(use 1 to 32/],
      ['0.0.0.0/0', '0.0.0.0/0', /prefix length/],
      ['10.0.0.0/8x', '10.0.0.0/8x', /prefix length/],
      ['300.1.1.1', '300.1.1.1', /not an IP address/],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ env: { VIGIA_TRUST_PROXY: value } });
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(EnvError);
      expect((error as Error).message).toContain(`VIGIA_TRUST_PROXY: "${bad}"`);
      expect((error as Error).message).toMatch(why);
    }
  });
});
