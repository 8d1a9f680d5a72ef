import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { alerts, probes } from '@vigia/db';
import { SampleReader, redisKeys } from '@vigia/live';
import { TEST_REDIS_URL, waitFor } from '@vigia/testing';
import { workerHarness, type WorkerHarness } from './harness.ts';

let harness: WorkerHarness | undefined;
let server: Server | undefined;
const redis = new Redis(TEST_REDIS_URL);
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
  if (server?.listening) await new Promise((resolve) => server!.close(resolve));
});
afterAll(() => redis.disconnect());

describe('a stored probe on two worker machines', () => {
  it('runs from both hosts once stored, and a 2-of-2 target-down rule fires as one alert when both fail', async () => {
    const sockets = new Set<Socket>();
    server = createServer((_req, res) => res.end('ok'));
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    harness = await workerHarness(`collectors:
  system: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  rules:
    - name: Probe Target Down
      metric: probe_success
      operator: "=="
      threshold: 0
      severity: critical
      locations: { min_failing: 2, by: host }
      annotations: { summary: "Probe {{ labels.probe }} fails from {{ value }} locations" }
`);
    const keys = redisKeys(harness.prefix);
    const [alpha] = await Promise.all([harness.start({ VIGIA_HOSTNAME: 'alpha' }), harness.start({ VIGIA_HOSTNAME: 'beta' })]);
    expect([...alpha.runners.keys()].filter((n) => n.startsWith('probe:'))).toEqual([]);

    // What the API does on a change: the row, then the version number workers watch.
    await harness.database.store.db.insert(probes).values({ name: 'web', spec: { interval: '1s', timeout: '1s', http: { url: `http://127.0.0.1:${port}/` } }, createdBy: 'test', updatedBy: 'test' });
    await redis.incr(keys.probesVersion);

    const reader = new SampleReader(redis, keys);
    const up = await waitFor(
      async () => {
        const all = (await reader.current({ name: 'probe_success' })).filter((s) => s.value === 1);
        return all.length >= 2 ? all : null;
      },
      { what: 'probe_success 1 from both hosts' },
    );
    expect(up.map((s) => s.labels).sort((a, b) => a.host!.localeCompare(b.host!))).toEqual([
      { probe: 'web', host: 'alpha' },
      { probe: 'web', host: 'beta' },
    ]);

    await new Promise<void>((resolve) => {
      server!.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    const fired = await waitFor(
      async () => {
        const rows = await harness!.database.store.db.select().from(alerts);
        return rows.find((a) => a.status === 'firing') ?? null;
      },
      { what: 'the target-down alert' },
    );
    expect(fired).toMatchObject({ rule: 'Probe Target Down', labels: { probe: 'web' }, summary: 'Probe web fails from 2 locations' });
    expect(await harness.database.store.db.select().from(alerts)).toHaveLength(1);
  });
});
