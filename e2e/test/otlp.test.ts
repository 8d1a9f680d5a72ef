import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigia/testing';
import { authedFetch, startStack, type Stack } from '../src/index.ts';

type Point = { timestamp: string; value: number; labels: Record<string, string> };
type History = { name: string; points: Point[] };

/** Prometheus' histogram_quantile over one series' cumulative `le` buckets. */
function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)!.count;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of sorted) {
    if (b.count >= rank) return b.le === Infinity ? lower : lower + ((b.le - lower) * (rank - below)) / (b.count - below);
    lower = b.le;
    below = b.count;
  }
  return lower;
}

describe('OTLP/HTTP metrics from the OpenTelemetry JS SDK (POST /v1/metrics)', () => {
  let stack: Stack;
  const providers: MeterProvider[] = [];
  const totals = async () => {
    const text = await (await authedFetch(stack.apiToken)(`${stack.url}/metrics`)).text();
    return Object.fromEntries([...text.matchAll(/^vigia_ingest_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  };
  const history = async (name: string): Promise<Point[]> => {
    const res = await authedFetch(stack.apiToken)(`${stack.url}/api/metrics/${name}?limit=1000`);
    return res.status === 200 ? ((await res.json()) as History).points : [];
  };
  const provider = (service: string, exporter: PushMetricExporter, views: ViewOptions[] = []) => {
    const p = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1`, 'deployment.environment': 'test' }),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
      views,
    });
    providers.push(p);
    return p;
  };
  const options = () => ({ url: `${stack.url}/v1/metrics`, headers: { authorization: `Bearer ${stack.apiToken}` } });
  const post = (body: string | Uint8Array<ArrayBuffer>, type: string) =>
    fetch(`${stack.url}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': type }, body });

  beforeAll(async () => {
    stack = await startStack({ yaml: 'collectors:\n  system: { enabled: false }\nalerts:\n  collector_down: { enabled: false }\n' });
  });
  afterAll(async () => {
    for (const p of providers) await p.shutdown().catch(() => undefined);
    await stack?.stop();
  });

  it('stores a counter, a gauge and a histogram sent as protobuf, with job and instance from the resource', async () => {
    const p = provider('checkout', new ProtoExporter(options()));
    const meter = p.getMeter('shop');
    const orders = meter.createCounter('orders.placed');
    const depth = meter.createGauge('queue.depth', { unit: '{orders}' });
    const duration = meter.createHistogram('checkout.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2.5, 5] } });
    orders.add(3, { shop: 'north' });
    depth.record(7);
    for (let i = 0; i < 90; i++) duration.record(0.2);
    for (let i = 0; i < 10; i++) duration.record(2);
    await p.forceFlush();
    orders.add(2, { shop: 'north' });
    await p.forceFlush();

    const labels = { job: 'checkout', instance: 'checkout-1', deployment_environment: 'test' };
    const counted = await waitFor(async () => (await history('orders_placed_total')).find((pt) => pt.value === 5), { what: 'orders_placed_total = 5 in history' });
    expect(counted.labels).toMatchObject({ ...labels, shop: 'north' });
    const gauge = await waitFor(async () => (await history('queue_depth'))[0], { what: 'queue_depth in history' });
    expect(gauge).toMatchObject({ value: 7, labels });

    const buckets = await waitFor(
      async () => {
        const pts = await history('checkout_duration_seconds_bucket');
        return new Set(pts.map((pt) => pt.labels.le)).size === 7 ? pts : null;
      },
      { what: 'the 7 buckets of checkout_duration_seconds' },
    );
    const latest = new Map<string, number>();
    for (const pt of buckets) if (!latest.has(pt.labels.le!)) latest.set(pt.labels.le!, pt.value); // newest first
    expect(Object.fromEntries(latest)).toEqual({ '0.1': 0, '0.25': 90, '0.5': 90, '1': 90, '2.5': 100, '5': 100, '+Inf': 100 });
    expect(buckets[0]!.labels).toMatchObject(labels);
    const p95 = histogramQuantile(
      0.95,
      [...latest].map(([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count })),
    );
    expect(p95).toBeCloseTo(1.75, 6);
    expect((await history('checkout_duration_seconds_count'))[0]!.value).toBe(100);
    expect((await history('checkout_duration_seconds_sum'))[0]!.value).toBeCloseTo(38, 6);
  });

  it('turns delta sums sent as JSON into a running total per series', async () => {
    const p = provider('billing', new JsonExporter({ ...options(), temporalityPreference: AggregationTemporalityPreference.DELTA }));
    const invoices = p.getMeter('billing').createCounter('invoices.sent');
    invoices.add(4, { region: 'eu' });
    await p.forceFlush();
    await waitFor(async () => (await history('invoices_sent_total')).find((pt) => pt.value === 4), { what: 'invoices_sent_total = 4' });
    invoices.add(6, { region: 'eu' });
    await p.forceFlush();
    const total = await waitFor(async () => (await history('invoices_sent_total')).find((pt) => pt.value === 10), { what: 'invoices_sent_total = 10 (4 + 6)' });
    expect(total.labels).toMatchObject({ job: 'billing', instance: 'billing-1', region: 'eu' });
  });

  it('refuses exponential histograms by name, counted as unsupported_metric_type, keeping the rest of the export', async () => {
    const before = (await totals()).unsupported_metric_type ?? 0;
    const p = provider('search', new ProtoExporter(options()), [{ instrumentName: 'search.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }]);
    const meter = p.getMeter('search');
    meter.createHistogram('search.latency', { unit: 'ms' }).record(12);
    meter.createCounter('search.queries').add(1);
    await p.forceFlush();
    await waitFor(async () => (await history('search_queries_total')).length, { what: 'search_queries_total in history' });
    expect((await totals()).unsupported_metric_type).toBe(before + 1);
    expect(await history('search_latency_milliseconds_bucket')).toEqual([]);

    // The answer in OTLP's partial-success shape, seen without the SDK in between.
    const res = await post(
      JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'raw.exp', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{ count: '1' }, { count: '2' }] } }] }] }] }),
      'application/json',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedDataPoints: number; errorMessage: string } };
    expect(body.partialSuccess.rejectedDataPoints).toBe(2);
    expect(body.partialSuccess.errorMessage).toMatch(/exponential_histogram not supported \(raw\.exp\)/);
    expect((await totals()).unsupported_metric_type).toBe(before + 3);
  });

  it('takes a gzip-compressed JSON body (OTEL_EXPORTER_OTLP_COMPRESSION=gzip) and refuses a body that is not gzip', async () => {
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'zipped' } }] },
          scopeMetrics: [{ metrics: [{ name: 'zipped.gauge', gauge: { dataPoints: [{ asInt: '12', timeUnixNano: String(BigInt(Date.now()) * 1_000_000n) }] } }] }],
        },
      ],
    });
    const headers = { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const res = await fetch(`${stack.url}/v1/metrics`, { method: 'POST', headers, body: new Uint8Array(gzipSync(body)) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const point = await waitFor(async () => (await history('zipped_gauge'))[0], { what: 'zipped_gauge in history' });
    expect(point).toMatchObject({ value: 12, labels: { job: 'zipped' } });
    expect((await fetch(`${stack.url}/v1/metrics`, { method: 'POST', headers, body })).status).toBe(400);
  });

  it('answers bad bodies with 400/413/415, counted by reason, and refuses a wrong token', async () => {
    const before = await totals();
    const badJson = await post('{"resourceMetrics": [', 'application/json');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(/not an ExportMetricsServiceRequest in JSON/);
    expect((await post(new Uint8Array([0x0a, 0xff, 0xff, 0x03]), 'application/x-protobuf')).status).toBe(400);
    expect((await post('x', 'text/plain')).status).toBe(415);
    expect((await post(new Uint8Array(50 * 1024 * 1024), 'application/x-protobuf')).status).toBe(413);
    const after = await totals();
    expect(after.malformed_body).toBe((before.malformed_body ?? 0) + 3);
    expect(after.body_too_large).toBe((before.body_too_large ?? 0) + 1);
    const unauthenticated = await fetch(`${stack.url}/v1/metrics`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
  });
});
