// The load generator of the push benchmark, run as a process of its own so that its event loop
// and CPU are not the API's nor the benchmark's. It takes one JSON argument (PushLoadPlan), prints
// `measuring` when its measured window starts and one JSON line (PushLoadResult) at the end.
import { Agent, request } from 'node:http';

export interface PushLoadPlan {
  url: string;
  token: string;
  batch: number;
  connections: number;
  series: number;
  warmUpSeconds: number;
  seconds: number;
}

export interface PushLoadResult {
  batch: number;
  connections: number;
  /** Measured window only. */
  seconds: number;
  requests: number;
  acceptedSamples: number;
  rejectedSamples: number;
  failedRequests: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  /** Every request answered 200, warm-up included: the number of batches the API wrote to Redis. */
  okRequestsIncludingWarmUp: number;
  cpuPercent: number;
  firstError?: string;
}

// A few distinct bodies, rendered once: the generator should spend its CPU on sending.
const BODIES = 8;

function renderBodies(batch: number, series: number): Buffer[] {
  return Array.from({ length: BODIES }, (_, b) => {
    const samples = Array.from({ length: batch }, (_, j) => {
      const s = (b * batch + j) % series;
      return { name: `bench_push_${s % 10}`, value: Math.round(Math.random() * 10_000) / 100, labels: { host: `host-${String(Math.floor(s / 10)).padStart(3, '0')}` } };
    });
    return Buffer.from(JSON.stringify(samples));
  });
}

function post(agent: Agent, url: URL, token: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        method: 'POST',
        host: url.hostname,
        port: url.port,
        path: '/api/metrics',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function run(plan: PushLoadPlan): Promise<PushLoadResult> {
  const bodies = renderBodies(plan.batch, plan.series);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const url = new URL(plan.url);
  const start = performance.now();
  const measureFrom = start + plan.warmUpSeconds * 1000;
  const end = measureFrom + plan.seconds * 1000;
  let measuring = false;
  let cpuAtMeasure = process.cpuUsage();
  const result: PushLoadResult = {
    batch: plan.batch,
    connections: plan.connections,
    seconds: plan.seconds,
    requests: 0,
    acceptedSamples: 0,
    rejectedSamples: 0,
    failedRequests: 0,
    statuses: {},
    latenciesMs: [],
    okRequestsIncludingWarmUp: 0,
    cpuPercent: 0,
  };
  // Bounded by count as well as by time: even an API answering instantly ends the loop.
  const maxRequests = 10_000_000 / plan.batch + 100_000;
  let issued = 0;
  const loop = async (n: number) => {
    let i = n;
    while (performance.now() < end && issued < maxRequests) {
      issued++;
      const now = performance.now();
      if (!measuring && now >= measureFrom) {
        measuring = true;
        cpuAtMeasure = process.cpuUsage();
        process.stdout.write('measuring\n');
      }
      const counted = now >= measureFrom;
      const body = bodies[i++ % bodies.length]!;
      try {
        const { status, text } = await post(agent, url, plan.token, body);
        const done = performance.now();
        if (status === 200) result.okRequestsIncludingWarmUp++;
        // A request that straddles the end of the window is not counted: the window is exact.
        if (!counted || done > end) continue;
        result.requests++;
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        result.latenciesMs.push(done - now);
        if (status === 200) {
          const answer = JSON.parse(text) as { accepted: number; rejectedCount: number };
          result.acceptedSamples += answer.accepted;
          // `rejected` lists only the first 100 refusals; rejectedCount is all of them.
          result.rejectedSamples += answer.rejectedCount;
        } else {
          result.failedRequests++;
          result.firstError ??= `HTTP ${status}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        if (counted) result.failedRequests++;
        result.firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, (_, n) => loop(n)));
  const cpu = process.cpuUsage(cpuAtMeasure);
  result.cpuPercent = ((cpu.user + cpu.system) / 1e6 / plan.seconds) * 100;
  agent.destroy();
  return result;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as PushLoadPlan;
run(plan).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`push-load: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
