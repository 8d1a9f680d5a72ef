import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { startStack, trpcClient, type Stack } from '../src/index.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

describe('SLOs over the API', () => {
  let stack: Stack;
  const t0 = Math.floor(Date.now() / MIN) * MIN - 2 * HOUR;
  // Two hours of traffic: 600 requests a minute, 3 of them failing (0.5 %).
  let errors = 0;
  let total = 0;

  beforeAll(async () => {
    stack = await startStack({
      worker: false,
      yaml: `slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    sli: { errors: api_errors_total, total: api_requests_total }
  - { name: typo, objective: 99, window: 7d, sli: { errors: api_erors_total, total: api_requests_total } }
`,
    });
    const samples: StoredSample[] = [];
    for (let t = t0; t < t0 + 2 * HOUR; t += MIN) {
      total += 600;
      errors += 3;
      samples.push({ name: 'api_requests_total', labels: {}, value: total, timestamp: t }, { name: 'api_errors_total', labels: {}, value: errors, timestamp: t });
    }
    await new HistoryStore(stack.store.sql).insert(samples);
  });
  afterAll(() => stack?.stop());

  it('GET /api/slos lists each SLO with its objective, budget left and burn rates (bearer token)', async () => {
    expect((await fetch(`${stack.url}/api/slos`)).status).toBe(401);
    const res = await fetch(`${stack.url}/api/slos`, { headers: { authorization: `Bearer ${stack.apiToken}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { slos: Record<string, unknown>[] };
    expect(body.slos.map((s) => s.name)).toEqual(['api-availability', 'typo']);
    const [slo, typo] = body.slos as [Record<string, any>, Record<string, any>];
    expect(slo).toMatchObject({ name: 'api-availability', objective: 99.9, window: '30d', status: 'ticket', problems: [] });
    // 0.5 % errors against 0.1 % allowed: a burn rate of 5 in every window, the budget five times spent.
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) expect(slo.burnRates[window]).toBeCloseTo(5, 6);
    expect(slo.errorBudgetRemaining).toBeCloseTo(-400, 6);
    // Spent already: no time left.
    expect(slo.timeToExhaustionSeconds).toBe(0);
    expect(typo).toMatchObject({ name: 'typo', status: 'no_data', errorBudgetRemaining: null, problems: ['no series of api_erors_total has been reported'] });
    expect(Object.values(typo.burnRates).every((v) => v === null)).toBe(true);
  });

  it('the dashboard’s procedures: the list and a burn-down over the window', async () => {
    const client = trpcClient(stack.url, stack.apiToken);
    const list = await client.slos.list.query();
    expect(list[0]).toMatchObject({ name: 'api-availability', status: 'ticket' });
    const down = await client.slos.burnDown.query({ name: 'api-availability' });
    expect(down.points.length).toBeGreaterThan(0);
    expect(down.points.at(-1)!.remaining).toBeCloseTo(-400, 6);
    await expect(client.slos.burnDown.query({ name: 'nope' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });

  it('/metrics exports vigia_slo_error_budget_remaining and vigia_slo_burn_rate{window}', async () => {
    const text = await (await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${stack.apiToken}` } })).text();
    expect(text).toMatch(/^vigia_slo_error_budget_remaining\{slo="api-availability"\} -400(\.0+\d*)?$/m);
    expect(text).toMatch(/^vigia_slo_burn_rate\{slo="api-availability",window="1h"\} 5(\.0+\d*)?$/m);
    expect(text).not.toContain('slo="typo"');
  });
});
