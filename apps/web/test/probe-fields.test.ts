import { describe, expect, it } from 'vitest';
import { emptyFields, fieldsOf, probeOf } from '../src/lib/probes/probe-fields.ts';

describe('the probe form', () => {
  it('makes a probe as written under probes: from its fields', () => {
    const f = {
      ...emptyFields(),
      url: 'https://shop.example.com/health',
      interval: '1m',
      timeout: '5s',
      headers: 'Authorization: Bearer x\nAccept: text/html',
      expectStatus: '200-299, 304',
      keyword: 'ok',
      labels: 'team=web, env=prod',
    };
    expect(probeOf(f)).toEqual({
      interval: '1m',
      timeout: '5s',
      labels: { team: 'web', env: 'prod' },
      http: { url: 'https://shop.example.com/health', method: 'GET', headers: { Authorization: 'Bearer x', Accept: 'text/html' }, expect_status: ['200-299', '304'], keyword: 'ok' },
    });
    expect(probeOf({ ...emptyFields(), type: 'tls', host: 'api.example.com' })).toMatchObject({ tls: { host: 'api.example.com', port: 443 } });
  });

  it('says what is wrong with a header or a label it cannot read', () => {
    expect(() => probeOf({ ...emptyFields(), headers: 'no colon here' })).toThrow('write each header as Name: value');
    expect(() => probeOf({ ...emptyFields(), labels: 'team' })).toThrow('write labels as name=value');
  });

  it('fills from a stored probe and keeps, on save, the settings it does not show', () => {
    const stored = { interval: '30s', timeout: '10s', http: { url: 'https://monitor:***@shop.example.com/', headers: { Authorization: '***' }, json_path: '$.status', equals: 'up' } };
    const fields = fieldsOf(stored);
    expect(fields).toMatchObject({ type: 'http', url: 'https://monitor:***@shop.example.com/', headers: 'Authorization: ***' });
    expect(probeOf({ ...fields, interval: '1m' }, stored)).toEqual({
      interval: '1m',
      timeout: '10s',
      http: { url: 'https://monitor:***@shop.example.com/', method: 'GET', headers: { Authorization: '***' }, json_path: '$.status', equals: 'up' },
    });
  });
});
