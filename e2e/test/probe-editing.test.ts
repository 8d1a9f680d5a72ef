import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, clientAs, refusal, startStack, type Stack, type VigiaClient } from '../src/index.ts';

type Current = { metrics: { name: string; labels: Record<string, string>; value: number; stale: boolean }[] };

describe('probes made, edited, paused and removed through the API while Vigia runs', () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  /** Requests by path, with the Authorization header each carried. */
  const seen = new Map<string, string[]>();
  const count = (path: string) => seen.get(path)?.length ?? 0;
  let operator: VigiaClient;
  let viewer: VigiaClient;
  let get: ReturnType<typeof authedFetch>;

  const current = async () => ((await (await get(`${stack.url}/api/metrics/current`)).json()) as Current).metrics;
  const healthNames = async () => (await stack.api!.deps.health.list()).map((h) => h.name);
  /** Once a probe's health entry is gone, the worker has retired it and its last run has ended. */
  const retired = (probe: string) => waitFor(async () => !(await healthNames()).includes(`probe:${probe}@${stack.config.collection.host}`), { what: `the worker to retire probe ${probe}` });
  const success = async (probe: string) => (await current()).find((m) => m.name === 'probe_success' && m.labels.probe === probe && !m.stale);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      seen.set(path, [...(seen.get(path) ?? []), req.headers.authorization ?? '']);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stack = await startStack({
      yaml: `collectors:
  system: { enabled: false }
alerts:
  collector_down: { enabled: false }
probes:
  - name: from-file
    interval: 1s
    timeout: 1s
    http: { url: "${base}/file" }
`,
    });
    operator = await clientAs(stack, 'ops', 'operator');
    viewer = await clientAs(stack, 'looker', 'viewer');
    get = authedFetch(stack.apiToken);
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  const shop = () => ({
    interval: '1s',
    timeout: '1s',
    labels: { team: 'web' },
    http: { url: `${base.replace('http://', 'http://monitor:url-pass-77@')}/shop?token=query-secret-9`, headers: { Authorization: 'Bearer header-secret-1', Accept: 'text/plain' }, keyword: 'ok' },
  });

  it('lets viewers read the list but not change it', async () => {
    const list = await viewer.probes.list.query();
    expect(list).toEqual([expect.objectContaining({ name: 'from-file', source: 'config', type: 'http', paused: false })]);
    expect(await refusal(viewer.probes.create.mutate({ name: 'shop', probe: shop() }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(viewer.probes.setPaused.mutate({ name: 'from-file', paused: true }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(viewer.probes.remove.mutate({ name: 'from-file' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a bad probe with the key and the problem, and leaves monitoring.yaml’s probes alone', async () => {
    const badUrl = await refusal(operator.probes.create.mutate({ name: 'bad', probe: { http: { url: 'ftp://files.example.com/' } } }));
    expect(badUrl).toMatchObject({ code: 'BAD_REQUEST' });
    expect(badUrl.message).toContain('probes.bad.http.url: must start with http:// or https://');
    expect((await refusal(operator.probes.create.mutate({ name: 'bad', probe: { smtp: { host: 'mail' } } }))).message).toContain('probes.bad.smtp: unknown probe type');
    expect((await refusal(operator.probes.create.mutate({ name: 'bad', probe: { interval: '1s', timeout: '5s', tcp: { host: 'db', port: 5432 } } }))).message).toContain(
      'probes.bad.timeout: must not be longer than the interval',
    );
    expect(await refusal(operator.probes.create.mutate({ name: 'from-file', probe: { tcp: { host: 'db', port: 5432 } } }))).toMatchObject({ code: 'CONFLICT' });
    expect((await refusal(operator.probes.setPaused.mutate({ name: 'from-file', paused: true }))).message).toContain('defined in monitoring.yaml');
    expect((await operator.probes.list.query()).map((p) => p.name)).toEqual(['from-file']);
  });

  it('runs a new probe on the worker without a restart, and shows its secrets as ***', async () => {
    const made = await operator.probes.create.mutate({ name: 'shop', probe: shop() });
    expect(made).toMatchObject({ name: 'shop', source: 'api', paused: false, intervalMs: 1_000 });

    const up = await waitFor(() => success('shop'), { what: 'probe_success of the new probe' });
    await waitFor(async () => (await healthNames()).includes(`probe:shop@${stack.config.collection.host}`), { what: 'the new probe’s health entry' });
    expect(up).toMatchObject({ value: 1, labels: { probe: 'shop', team: 'web', host: stack.config.collection.host } });
    expect(seen.get('/shop?token=query-secret-9')?.[0]).toBe('Bearer header-secret-1');

    const listed = (await operator.probes.list.query()).find((p) => p.name === 'shop')!;
    const shown = JSON.stringify(listed);
    for (const secret of ['url-pass-77', 'query-secret-9', 'header-secret-1']) expect(shown).not.toContain(secret);
    expect(listed.spec).toMatchObject({ http: { headers: { Authorization: '***', Accept: 'text/plain' } } });
    expect(listed.target).toContain('monitor:***@');
  });

  it('applies an edit that sends the masked secrets back, keeping them', async () => {
    const listed = (await operator.probes.list.query()).find((p) => p.name === 'shop')!;
    const spec = structuredClone(listed.spec!) as { http: { url: string } };
    spec.http.url = spec.http.url.replace('/shop?', '/shop-v2?');
    await operator.probes.update.mutate({ name: 'shop', probe: spec });
    const path = '/shop-v2?token=query-secret-9';
    await waitFor(() => count(path) > 0, { what: 'the edited probe to reach its new path' });
    expect(seen.get(path)![0]).toBe('Bearer header-secret-1');
    const row = (await stack.store.db.query.probes.findFirst())!;
    expect(JSON.stringify(row.spec)).toContain('url-pass-77');
  });

  it('stops a paused probe and starts it again on resume', async () => {
    const path = '/shop-v2?token=query-secret-9';
    expect(await operator.probes.setPaused.mutate({ name: 'shop', paused: true })).toEqual({ name: 'shop', paused: true });
    await retired('shop');
    expect(stack.worker!.runners.has('probe:shop')).toBe(false);
    const before = count(path);
    const file = count('/file');
    await waitFor(() => count('/file') >= file + 3, { what: 'three more ticks of the probe from the file' });
    expect(count(path), 'the paused probe went on running').toBe(before);
    expect((await operator.probes.list.query()).find((p) => p.name === 'shop')).toMatchObject({ paused: true });

    await operator.probes.setPaused.mutate({ name: 'shop', paused: false });
    await waitFor(() => count(path) > before, { what: 'the resumed probe to run again' });
  });

  it('removes a probe: gone from the list, the worker and the collectors’ health', async () => {
    await operator.probes.remove.mutate({ name: 'shop' });
    expect((await operator.probes.list.query()).map((p) => p.name)).toEqual(['from-file']);
    await retired('shop');
    expect(stack.worker!.runners.has('probe:shop')).toBe(false);
    expect(await refusal(operator.probes.remove.mutate({ name: 'shop' }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
