import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { SampleReader, redisKeys } from '@vigia/live';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { sampleProcess } from './proc-stats.ts';
import { REDIS_URL, withScratch } from './scratch.ts';
import { distribution, mean, percentile, rounded } from './stats.ts';
import { startWorkerProcess, troubleLines } from './worker-process.ts';

const PROBES = 200;
const INTERVAL_MS = 10_000;
const FOR_MS = 10_000;
const WARM_UP_SECONDS = 15;
const WINDOW_SECONDS = 60;
const TARGET_LATE_P99_MS = 1_000;
const TARGET_FIRE_MS = FOR_MS + 1_500;

/** An HTTP server that notes when each request arrived, by path. */
async function recordingServer(): Promise<{ server: Server; port: number; arrivals: { path: string; at: number }[]; sockets: Set<Socket> }> {
  const arrivals: { path: string; at: number }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    arrivals.push({ path: req.url ?? '/', at: Date.now() });
    res.end('ok');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, arrivals, sockets };
}

function probesYaml(port: number, victimPort: number): string {
  const probes = Array.from({ length: PROBES }, (_, i) => `  - name: site-${i}\n    interval: 10s\n    timeout: 5s\n    http: { url: "http://127.0.0.1:${port}/p/${i}" }\n`).join('');
  return `collectors:
  system: { enabled: false }
  api: { enabled: false }
  business: { enabled: false }
  custom: { enabled: false }
  postgres: { enabled: false }
  redis: { enabled: false }
alerts:
  collector_down: { enabled: false }
  rules:
    - name: Victim Down
      metric: probe_success
      labels: { probe: victim }
      operator: "=="
      threshold: 0
      for: 10s
      severity: critical
probes:
${probes}  - name: victim
    interval: 10s
    timeout: 5s
    http: { url: "http://127.0.0.1:${victimPort}/" }
`;
}

/**
 * 200 HTTP probes at 10 s on one real worker process: its CPU and RSS, how late each probe's
 * request reaches the server after its planned tick, and, for a probed server that stops, how
 * soon probe_success says 0 and a `for: 10s` rule on it fires.
 */
export const probesBenchmark: Benchmark = {
  name: 'probes',
  expectedSeconds: 130,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const sites = await recordingServer();
      const victim = await recordingServer();
      const redis = new Redis(REDIS_URL);
      const reader = new SampleReader(redis, redisKeys(prefix));
      const worker = startWorkerProcess(databaseUrl, prefix, probesYaml(sites.port, victim.port));
      const db = new pg.Client({ connectionString: databaseUrl });
      try {
        await db.connect();
        await worker.waitFor(() => new Set(sites.arrivals.map((a) => a.path)).size >= PROBES, `a first request of all ${PROBES} probes`, { timeoutMs: 90_000 });
        log(`worker pid ${worker.app.pid}: ${PROBES} HTTP probes + 1 at 10 s all ran; warming up ${WARM_UP_SECONDS} s, then measuring ${WINDOW_SECONDS} s`);
        await sleep(WARM_UP_SECONDS * 1000);
        const windowStart = Date.now();
        const usage = await sampleProcess(worker.app.pid, WINDOW_SECONDS);
        const windowEnd = Date.now();
        // The planned tick is the 10 s boundary just before the request arrived.
        const late = sites.arrivals
          .filter((a) => a.at >= windowStart && a.at < windowEnd)
          .map((a) => a.at % INTERVAL_MS)
          .sort((a, b) => a - b);
        const perProbe = new Map<string, number>();
        for (const a of sites.arrivals) if (a.at >= windowStart && a.at < windowEnd) perProbe.set(a.path, (perProbe.get(a.path) ?? 0) + 1);

        // The victim stops just after one of its ticks: the worst case for noticing.
        await worker.waitFor(() => victim.arrivals.at(-1) && Date.now() - victim.arrivals.at(-1)!.at < 200 && Date.now() % INTERVAL_MS < 1_000, 'a fresh victim tick', { intervalMs: 20 });
        const stoppedAt = Date.now();
        victim.server.close();
        for (const s of victim.sockets) s.destroy();
        const zero = await worker.waitFor(
          async () => {
            const s = (await reader.current({ name: 'probe_success' })).find((x) => x.labels.probe === 'victim');
            return s && s.value === 0 ? { seenAt: Date.now(), tick: s.timestamp } : null;
          },
          'probe_success 0 for the stopped server',
          { timeoutMs: 30_000, intervalMs: 25 },
        );
        // The alert's row starts at the episode's start (its pending); its first event is the firing.
        const fired = await worker.waitFor(
          async () => {
            const { rows } = await db.query<{ at: Date | null; started_at: Date }>(
              `SELECT min(e.at) AS at, a.started_at FROM alerts a JOIN alert_events e ON e.alert_id = a.id WHERE a.rule = 'Victim Down' GROUP BY a.id`,
            );
            return rows[0]?.at ? { at: rows[0].at, pendingSince: rows[0].started_at } : null;
          },
          'the for: 10s rule to fire',
          { timeoutMs: 40_000, intervalMs: 50 },
        );
        const zeroAfterMs = zero.seenAt - stoppedAt;
        const fireAfterMs = fired.at.getTime() - zero.tick;
        const pendingToFireMs = fired.at.getTime() - fired.pendingSince.getTime();
        const warnings = troubleLines(worker.app);
        const exitCode = await worker.stop();

        const p99 = percentile(late, 99);
        const rssMean = mean(usage.rssMB);
        const missed = [...Array(PROBES).keys()].filter((i) => (perProbe.get(`/p/${i}`) ?? 0) < WINDOW_SECONDS / (INTERVAL_MS / 1000) - 1);
        // Within one interval: the first tick after the stop already says 0 (its answer comes with that tick's lateness).
        const zeroTickAfterMs = zero.tick - stoppedAt;
        const pass = p99 <= TARGET_LATE_P99_MS && zeroTickAfterMs <= INTERVAL_MS && fireAfterMs <= TARGET_FIRE_MS && missed.length === 0;
        return {
          target: `${PROBES} HTTP probes at 10 s: each tick within 1 s of schedule at p99; a stopped server → probe_success 0 within one interval; a for: 10s rule fires within for + 1.5 s; CPU and RSS reported`,
          pass,
          headline: `tick lateness p99 ${p99} ms (target ≤ ${TARGET_LATE_P99_MS} ms), probe_success 0 from the tick ${(zeroTickAfterMs / 1000).toFixed(2)} s after the stop (≤ 10 s), seen ${(zeroAfterMs / 1000).toFixed(2)} s after it, fired ${(fireAfterMs / 1000).toFixed(2)} s after the first failing tick (≤ ${TARGET_FIRE_MS / 1000} s); CPU ${usage.cpuPercent.toFixed(2)} %, RSS mean ${rssMean.toFixed(1)} MB`,
          details: [
            `lateness over ${late.length} requests: p50 ${percentile(late, 50)} ms, p90 ${percentile(late, 90)} ms, max ${late.at(-1)} ms; probes with fewer than ${WINDOW_SECONDS / 10 - 1} requests in the window: ${missed.length}`,
            `CPU own ${usage.cpuPercentOwn.toFixed(2)} % + children ${usage.cpuPercentChildren.toFixed(2)} %; busiest second ${Math.max(...usage.cpuPercentPerInterval).toFixed(1)} %; RSS max ${Math.max(...usage.rssMB).toFixed(1)} MB`,
            `fired ${pendingToFireMs} ms after its pending began (for: 10s); pending began ${fired.pendingSince.getTime() - zero.tick} ms after the first failing tick`,
            `SIGTERM → exit ${exitCode}; worker printed ${warnings.length} warning line(s)${warnings.length ? `, the first: ${warnings[0]}` : ''}`,
          ],
          figures: {
            probes: PROBES,
            intervalMs: INTERVAL_MS,
            windowSeconds: WINDOW_SECONDS,
            latenessMs: rounded(distribution(late)),
            requestsInWindow: late.length,
            probesShortOfTicks: missed.length,
            cpuPercentOfOneCore: Math.round(usage.cpuPercent * 1000) / 1000,
            cpuPercentPerSecond: rounded(distribution(usage.cpuPercentPerInterval)),
            rssMB: rounded(distribution(usage.rssMB)),
            zeroAfterStopMs: zeroAfterMs,
            zeroTickAfterStopMs: zeroTickAfterMs,
            fireAfterFirstFailingTickMs: fireAfterMs,
            pendingToFireMs,
            workerWarnings: warnings.slice(0, 20),
            targets: { latenessP99Ms: TARGET_LATE_P99_MS, zeroWithinMs: INTERVAL_MS, fireWithinMs: TARGET_FIRE_MS },
          },
        };
      } finally {
        await worker.stop();
        await db.end().catch(() => {});
        redis.disconnect();
        for (const s of [...sites.sockets, ...victim.sockets]) s.destroy();
        sites.server.close();
        victim.server.close();
      }
    }),
};
