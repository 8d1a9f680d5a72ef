import { createServer, type Server } from 'node:http';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';
import { startPrometheus, type RunningPrometheus } from '../src/prometheus-server.ts';

type History = { name: string; points: { timestamp: string; value: number; labels: Record<string, string> }[] };
type Current = { metrics: { name: string; labels: Record<string, string>; value: number }[] };

// Remote-write 1.0's WriteRequest, written here from the spec so the test builds its own bodies.
const root = protobuf.parse(`
syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`).root;
const WriteRequest = root.lookupType('WriteRequest');

function writeRequest(series: { labels: Record<string, string>; samples: { value: number; timestamp: number }[] }[]): Uint8Array {
  const timeseries = series.map((s) => ({ labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })), samples: s.samples }));
  return WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish();
}

const EXPORTER_TEXT = `# HELP shop_orders_total Orders taken.
# TYPE shop_orders_total counter
shop_orders_total{shop="north"} 42
shop_orders_total{shop="south"} 7
# HELP shop_queue_depth Orders waiting.
# TYPE shop_queue_depth gauge
shop_queue_depth 3
`;

describe('Prometheus remote_write into Vigia (POST /api/v1/write)', () => {
  let stack: Stack;
  let exporter: Server;
  let prometheus: RunningPrometheus | undefined;
  const write = (body: Uint8Array | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/api/v1/write`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0', ...headers },
      body: new Uint8Array(body),
    });
  const totals = async () => {
    const text = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^vigia_ingest_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  };
  const history = async (name: string) => {
    const res = await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/${name}?limit=1000`);
    return res.status === 200 ? ((await res.json()) as History) : null;
  };

  beforeAll(async () => {
    stack = await startStack({ yaml: 'collectors:\n  system: { enabled: false }\nalerts:\n  collector_down: { enabled: false }\n' });
    exporter = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(EXPORTER_TEXT);
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => exporter?.close(resolve));
    await stack?.stop();
  });

  it("delivers a real Prometheus' scraped series into history and the live view", async () => {
    const exporterPort = (exporter.address() as { port: number }).port;
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
remote_write:
  - url: ${stack.url}/api/v1/write
    authorization:
      credentials: ${stack.apiToken}
    queue_config:
      batch_send_deadline: 1s
`);
    const instance = `127.0.0.1:${exporterPort}`;
    const stored = await waitFor(
      async () => {
        const h = await history('shop_orders_total');
        const north = h?.points.find((p) => p.labels.shop === 'north');
        return north && h!.points.some((p) => p.labels.shop === 'south') ? north : null;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: `shop_orders_total in history (prometheus said: ${prometheus.output().slice(-2000)})` },
    );
    expect(stored).toMatchObject({ value: 42, labels: { job: 'shop', instance, shop: 'north' } });
    // Prometheus' own series about the scrape arrive the same way.
    await waitFor(async () => (await history('up'))?.points.some((p) => p.value === 1 && p.labels.job === 'shop'), { timeoutMs: 60_000, intervalMs: 500, what: 'up in history' });
    const current = (await (await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/current`)).json()) as Current;
    expect(current.metrics.find((m) => m.name === 'shop_queue_depth')).toMatchObject({ value: 3, labels: { job: 'shop', instance } });
    await prometheus.stop();
    prometheus = undefined;
  });

  it('answers 204 to a good request and refuses one without a valid token', async () => {
    const body = snappy.compress(writeRequest([{ labels: { __name__: 'rw_direct', region: 'eu' }, samples: [{ value: 5, timestamp: Date.now() }] }]));
    expect((await write(body)).status).toBe(204);
    expect((await write(body, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    await waitFor(async () => (await history('rw_direct'))?.points.find((p) => p.labels.region === 'eu' && p.value === 5), { what: 'rw_direct in history' });
  });

  it('answers corrupt snappy and a truncated protobuf with 400, counted as malformed_body', async () => {
    const before = (await totals()).malformed_body ?? 0;
    const corrupt = await write(Buffer.from('this is not snappy data at all, just text'));
    expect(corrupt.status).toBe(400);
    expect(await corrupt.text()).toMatch(/not snappy/);
    const whole = writeRequest([{ labels: { __name__: 'rw_truncated', a: 'x'.repeat(40) }, samples: [{ value: 1, timestamp: Date.now() }] }]);
    const truncated = await write(snappy.compress(whole.subarray(0, whole.length - 20)));
    expect(truncated.status).toBe(400);
    expect(await truncated.text()).toMatch(/not a prometheus\.WriteRequest/);
    expect((await totals()).malformed_body).toBe(before + 2);
    expect(await history('rw_truncated')).toBeNull();
  });

  it('answers samples all older than retention with 400 (dropped, not retried), counted as timestamp_out_of_range', async () => {
    const before = (await totals()).timestamp_out_of_range ?? 0;
    const old = Date.now() - stack.config.retention.raw - 3_600_000;
    const res = await write(
      snappy.compress(
        writeRequest([
          {
            labels: { __name__: 'rw_old' },
            samples: [
              { value: 1, timestamp: old },
              { value: 2, timestamp: old + 1000 },
            ],
          },
        ]),
      ),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/timestamp_out_of_range: 2/);
    expect((await totals()).timestamp_out_of_range).toBe(before + 2);
  });

  it('refuses series over the label limits like a push, keeping the good ones (204)', async () => {
    const before = (await totals()).invalid_sample ?? 0;
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, 'v']));
    const res = await write(
      snappy.compress(
        writeRequest([
          { labels: { __name__: 'rw_too_many_labels', ...many }, samples: [{ value: 1, timestamp: Date.now() }] },
          { labels: { __name__: 'rw_fine' }, samples: [{ value: 9, timestamp: Date.now() }] },
        ]),
      ),
    );
    expect(res.status).toBe(204);
    expect((await totals()).invalid_sample).toBe(before + 1);
    await waitFor(async () => (await history('rw_fine'))?.points.length, { what: 'rw_fine in history' });
  });

  it('refuses a 50 MB body with 413, counted as body_too_large, and stays up', async () => {
    const before = (await totals()).body_too_large ?? 0;
    const res = await write(Buffer.alloc(50 * 1024 * 1024, 1));
    expect(res.status).toBe(413);
    expect((await totals()).body_too_large).toBe(before + 1);
    expect((await write(snappy.compress(writeRequest([{ labels: { __name__: 'rw_after_big' }, samples: [{ value: 1, timestamp: Date.now() }] }])))).status).toBe(204);
  });

  it('refuses remote-write 2.0 with 415 so the sender can fall back to 1.0', async () => {
    const res = await write(snappy.compress(writeRequest([])), { 'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' });
    expect(res.status).toBe(415);
  });
});

describe('remote_write and OTLP while Redis is unreachable', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false, yaml: 'collectors:\n  system: { enabled: false }\n' });
  });
  afterAll(() => stack?.stop());

  it('answer 503, which Prometheus and OTLP exporters retry, not a 4xx they would drop', async () => {
    // The API's own connection gone, as when Redis is down: what the guard and the writer use.
    stack.api!.deps.redis.disconnect();
    const headers = { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/x-protobuf' };
    const rw = await fetch(`${stack.url}/api/v1/write`, {
      method: 'POST',
      headers: { ...headers, 'content-encoding': 'snappy' },
      body: new Uint8Array(snappy.compress(writeRequest([{ labels: { __name__: 'rw_redis_down' }, samples: [{ value: 1, timestamp: Date.now() }] }]))),
    });
    expect(rw.status).toBe(503);
    expect(await rw.text()).toMatch(/retry later/);
    const otlp = await fetch(`${stack.url}/v1/metrics`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'otlp.redis.down', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] }] }),
    });
    expect(otlp.status).toBe(503);
  });
});
