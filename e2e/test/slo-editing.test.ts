import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { HistoryStore, type StoredSample } from '@vigia/db';
import { authedFetch, clientAs, refusal, startStack, type Stack, type VigiaClient } from '../src/index.ts';

const MIN = 60_000;

type SloRow = { name: string; source: string; objective: number; status: string; errorBudgetRemaining: number | null; burnRates: Record<string, number | null> };

describe('SLOs made, edited and removed through the API while Vigia runs', () => {
  let stack: Stack;
  let operator: VigiaClient;
  let viewer: VigiaClient;
  let get: ReturnType<typeof authedFetch>;

  const checkout = (objective: number) => ({ objective, window: '30d', sli: { errors: 'api_errors_total', total: 'api_requests_total' }, labels: { service: 'shop' } });
  const listed = async () => ((await (await get(`${stack.url}/api/slos`)).json()) as { slos: SloRow[] }).slos;
  const alerts = (status: 'firing' | 'resolved') => operator.alerts.list.query({ status: [status] });

  beforeAll(async () => {
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 1s
  collector_down: { enabled: false }
slos:
  - { name: from-file, objective: 99, window: 7d, sli: { good: api_good_total, total: api_requests_total } }
`,
    });
    operator = await clientAs(stack, 'ops', 'operator');
    viewer = await clientAs(stack, 'looker', 'viewer');
    get = authedFetch(stack.apiToken);
    // Ten minutes of stored traffic for the service the SLO will select, 2 % failing: a burn rate of 20 at 99.9 %.
    const now = Date.now();
    const samples: StoredSample[] = [];
    for (let i = 0; i <= 10; i++) {
      const t = now - (10 - i) * MIN;
      samples.push({ name: 'api_requests_total', labels: { service: 'shop' }, value: 1_000 * i, timestamp: t }, { name: 'api_errors_total', labels: { service: 'shop' }, value: 20 * i, timestamp: t });
    }
    await new HistoryStore(stack.store.sql).insert(samples);
  });

  afterAll(() => stack?.stop());

  it('lets viewers read the list but not change it', async () => {
    expect((await viewer.slos.list.query()).map((s) => [s.name, s.source])).toEqual([['from-file', 'config']]);
    expect(await refusal(viewer.slos.create.mutate({ name: 'checkout', slo: checkout(99.9) }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(viewer.slos.update.mutate({ name: 'from-file', slo: checkout(99.9) }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(viewer.slos.remove.mutate({ name: 'from-file' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a bad SLO with the key and the problem, and leaves monitoring.yaml’s SLOs alone', async () => {
    const objective = await refusal(operator.slos.create.mutate({ name: 'bad', slo: checkout(100) }));
    expect(objective).toMatchObject({ code: 'BAD_REQUEST' });
    expect(objective.message).toContain('slos.bad.objective: must be between 0 and 100 (exclusive)');
    expect((await refusal(operator.slos.create.mutate({ name: 'bad', slo: { ...checkout(99), window: '1d' } }))).message).toContain(
      'slos.bad.window: "1d" is shorter than the longest burn-rate window (3d)',
    );
    expect((await refusal(operator.slos.create.mutate({ name: 'bad', slo: { objective: 99, sli: { errors: 'api_errors_total' } } }))).message).toContain('slos.bad.sli: must be one of');
    expect((await refusal(operator.slos.create.mutate({ name: 'bad', slo: { objective: 99, sli: { ratio: 'not a metric' } } }))).message).toContain('slos.bad.sli.ratio: must be a metric name');
    const taken = await refusal(operator.slos.create.mutate({ name: 'from-file', slo: checkout(99) }));
    expect(taken).toMatchObject({ code: 'CONFLICT' });
    expect(taken.message).toContain('already has an SLO named "from-file"');
    expect((await refusal(operator.slos.update.mutate({ name: 'from-file', slo: checkout(99) }))).message).toContain('is defined in');
    expect((await operator.slos.list.query()).map((s) => s.name)).toEqual(['from-file']);
  });

  it('lists a new SLO in GET /api/slos with its budget, and the worker pages on it without a restart', async () => {
    const made = await operator.slos.create.mutate({ name: 'checkout', slo: checkout(99.9) });
    expect(made).toMatchObject({ name: 'checkout', source: 'api', objective: 99.9, window: '30d', spec: checkout(99.9) });
    expect(await refusal(operator.slos.create.mutate({ name: 'checkout', slo: checkout(99) }))).toMatchObject({ code: 'CONFLICT' });

    const slos = await listed();
    expect(slos.map((s) => [s.name, s.source])).toEqual([
      ['from-file', 'config'],
      ['checkout', 'api'],
    ]);
    const row = slos.find((s) => s.name === 'checkout')!;
    // 2 % errors against 0.1 % allowed over the window's data: the budget twenty times spent.
    expect(row.errorBudgetRemaining).toBeCloseTo(-1_900, 6);
    expect(row.burnRates['1h']).toBeCloseTo(20, 6);

    const rules = (await operator.rules.list.query()).map((r) => r.name);
    expect(rules).toEqual(expect.arrayContaining(['SLO from-file (page)', 'SLO checkout (page)', 'SLO checkout (ticket)']));

    const alert = await waitFor(async () => (await alerts('firing')).find((a) => a.rule === 'SLO checkout (page)'), { timeoutMs: 60_000, what: 'the stored SLO to page' });
    expect(alert).toMatchObject({ severity: 'critical', labels: { slo: 'checkout' } });
    expect(alert.summary).toMatch(/^SLO checkout \(99\.9% over 30d\): error budget burning at 20\.0x over 1h/);

    const text = await (await get(`${stack.url}/metrics`)).text();
    expect(text).toMatch(/^vigia_slo_burn_rate\{slo="checkout",window="1h"\} 20(\.0+\d*)?$/m);
    expect(text).toMatch(/^vigia_slo_error_budget_remaining\{slo="checkout"\} -1900(\.0+\d*)?$/m);
  }, 90_000);

  it('applies an edit on the workers: a looser objective resolves the alert, a stricter one pages again', async () => {
    const edited = await operator.slos.update.mutate({ name: 'checkout', slo: checkout(90) });
    expect(edited).toMatchObject({ name: 'checkout', objective: 90, status: 'ok' });
    await waitFor(async () => (await alerts('firing')).length === 0, { timeoutMs: 60_000, what: 'the alert to resolve under the looser objective' });
    expect((await listed()).find((s) => s.name === 'checkout')).toMatchObject({ objective: 90 });

    await operator.slos.update.mutate({ name: 'checkout', slo: checkout(99.9) });
    await waitFor(async () => (await alerts('firing')).some((a) => a.rule === 'SLO checkout (page)'), { timeoutMs: 60_000, what: 'the SLO to page again' });
  }, 120_000);

  it('removes an SLO: gone from the list and /metrics, its open alert resolved', async () => {
    const open = (await alerts('firing')).find((a) => a.rule === 'SLO checkout (page)')!;
    await operator.slos.remove.mutate({ name: 'checkout' });
    expect((await listed()).map((s) => s.name)).toEqual(['from-file']);
    await waitFor(async () => (await alerts('firing')).length === 0, { timeoutMs: 60_000, what: 'the removed SLO’s alert to resolve' });
    expect((await alerts('resolved')).map((a) => a.id)).toContain(open.id);
    expect(await (await get(`${stack.url}/metrics`)).text()).not.toContain('slo="checkout"');
    expect(await refusal(operator.slos.remove.mutate({ name: 'checkout' }))).toMatchObject({ code: 'NOT_FOUND' });
    const audit = await operator.audit.list.query({});
    expect(audit.map((e) => e.action).filter((a) => a.startsWith('slo.'))).toEqual(expect.arrayContaining(['slo.create', 'slo.update', 'slo.remove']));
  }, 90_000);
});
