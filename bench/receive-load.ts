// The load generator of the remote-write benchmark, a process of its own like push-load.ts. It
// renders every body first (each series' samples one second apart, so every sample is a row of
// its own in samples_raw), prints `sending`, sends them all over keep-alive connections and prints
// one JSON line (ReceiveLoadResult).
import { Agent, request } from 'node:http';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

export interface ReceiveLoadPlan {
  url: string;
  token: string;
  format: 'remote_write' | 'push';
  /** Samples per request. */
  batch: number;
  series: number;
  /** Samples per series: the run sends series × rounds samples. */
  rounds: number;
  connections: number;
  /** Timestamp of the first round; round r is baseMs + r s. */
  baseMs: number;
}

export interface ReceiveLoadResult {
  requests: number;
  sentSamples: number;
  failedRequests: number;
  statuses: Record<string, number>;
  sendSeconds: number;
  cpuPercent: number;
  firstError?: string;
}

const WriteRequest = protobuf
  .parse(
    `syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`,
  )
  .root.lookupType('WriteRequest');

function seriesOf(s: number): { name: string; host: string } {
  return { name: `bench_rw_${s % 10}`, host: `host-${String(Math.floor(s / 10)).padStart(4, '0')}` };
}

function renderBodies(plan: ReceiveLoadPlan): Buffer[] {
  const base = plan.baseMs;
  const total = plan.series * plan.rounds;
  const bodies: Buffer[] = [];
  for (let start = 0; start < total; start += plan.batch) {
    const samples = Array.from({ length: Math.min(plan.batch, total - start) }, (_, j) => {
      const n = start + j;
      return { ...seriesOf(n % plan.series), value: Math.round(Math.random() * 10_000) / 100, timestamp: base + Math.floor(n / plan.series) * 1000 };
    });
    if (plan.format === 'push') {
      bodies.push(Buffer.from(JSON.stringify(samples.map((s) => ({ name: s.name, value: s.value, labels: { host: s.host }, timestamp: s.timestamp })))));
    } else {
      const timeseries = samples.map((s) => ({
        labels: [
          { name: '__name__', value: s.name },
          { name: 'host', value: s.host },
        ],
        samples: [{ value: s.value, timestamp: s.timestamp }],
      }));
      bodies.push(Buffer.from(snappy.compress(WriteRequest.encode(WriteRequest.fromObject({ timeseries })).finish())));
    }
  }
  return bodies;
}

function post(agent: Agent, url: URL, plan: ReceiveLoadPlan, body: Buffer): Promise<{ status: number; text: string }> {
  const headers =
    plan.format === 'push' ? { 'content-type': 'application/json' } : { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        method: 'POST',
        host: url.hostname,
        port: url.port,
        path: plan.format === 'push' ? '/api/metrics' : '/api/v1/write',
        headers: { ...headers, 'content-length': body.length, authorization: `Bearer ${plan.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function run(plan: ReceiveLoadPlan): Promise<ReceiveLoadResult> {
  const bodies = renderBodies(plan);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const url = new URL(plan.url);
  const result: ReceiveLoadResult = { requests: 0, sentSamples: 0, failedRequests: 0, statuses: {}, sendSeconds: 0, cpuPercent: 0 };
  process.stdout.write('sending\n');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const ok = plan.format === 'push' ? 200 : 204;
  const loop = async () => {
    while (next < bodies.length) {
      const index = next++;
      try {
        const { status, text } = await post(agent, url, plan, bodies[index]!);
        result.requests++;
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (status === ok) result.sentSamples += Math.min(plan.batch, plan.series * plan.rounds - index * plan.batch);
        else {
          result.failedRequests++;
          result.firstError ??= `HTTP ${status}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        result.failedRequests++;
        result.firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, () => loop()));
  result.sendSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuPercent = ((cpu.user + cpu.system) / 1e6 / result.sendSeconds) * 100;
  agent.destroy();
  return result;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as ReceiveLoadPlan;
run(plan).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`receive-load: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
