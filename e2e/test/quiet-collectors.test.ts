import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';

// The series the shipped Grafana dashboards draw from the api and business collectors.
const SERIES = [
  'api_request_rate',
  'api_error_rate',
  'api_response_time_p50',
  'api_response_time_p95',
  'api_response_time_p99',
  'api_response_time_avg',
  'business_orders_today',
  'business_revenue_today',
  'business_quotes_today',
  'business_active_users',
];

describe('collectors on a quiet system', () => {
  // A prefix no application writes to: no traffic, no business keys.
  const app = `quiet${Math.random().toString(36).slice(2, 8)}:`;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
  api: { interval: 1s, prefix: "${app}" }
  business: { interval: 1s, prefix: "${app}" }
alerts:
  collector_down: { enabled: false }
`,
    });
  });
  afterAll(() => stack?.stop());

  it('exports every api and business series at 0 before any traffic, so dashboards are not empty', async () => {
    const get = authedFetch(stack.apiToken);
    const valueOf = (text: string, name: string) => text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm'))?.[1];
    // The rates need one full interval (two ticks) behind them; the rest is there after the first.
    const text = await waitFor(
      async () => {
        const body = await (await get(`${stack.url}/metrics`)).text();
        return SERIES.every((name) => valueOf(body, name) !== undefined) ? body : null;
      },
      { what: `all of ${SERIES.join(', ')} in /metrics` },
    );
    for (const name of SERIES) expect(Number(valueOf(text, name)), name).toBe(0);
  });
});
