import { Agent, request } from 'node:http';
import { HistoryStore, openStore, type StoredSample } from '@vigia/db';
import { startApiProcess } from './api-process.ts';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { formatMs } from './report.ts';
import { withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';

const RATE = 500;
const SECONDS = 10;
const TARGET_ERRORS = 0;

const YAML = `collectors: {}
status_page:
  enabled: true
  title: Bench status
  components:
    - { name: Website, probe: web }
    - { name: API, probe: api }
    - { name: Payments, match: { labels: { service: payments } } }
maintenance_windows:
  - { name: nightly, every: daily, at: "03:00", duration: 30m, timezone: UTC, match: { labels: { service: payments } } }
`;

/** Two probes' results every 30 s over 90 days, straight into history, so the page carries full uptime bars. */
async function seedHistory(databaseUrl: string): Promise<void> {
  const store = await openStore({ url: databaseUrl });
  try {
    const history = new HistoryStore(store.sql);
    const now = Date.now();
    for (let day = 89; day >= 0; day--) {
      const samples: StoredSample[] = [];
      for (let t = now - (day + 1) * 86_400_000; t < now - day * 86_400_000; t += 30_000) {
        for (const probe of ['web', 'api']) samples.push({ name: 'probe_success', labels: { probe, host: 'a' }, value: day % 17 === 3 && t % 3_600_000 < 600_000 ? 0 : 1, timestamp: t });
      }
      await history.insert(samples);
    }
  } finally {
    await store.close();
  }
}

/**
 * `GET /status` at a steady 500 requests/s for 10 s from loopback (open loop: a request is sent
 * on schedule whether or not earlier ones have answered), against an API process of its own
 * whose page holds two 90-day uptime bars, an open incident with updates and a maintenance window.
 */
export const statusPageBenchmark: Benchmark = {
  name: 'status-page',
  expectedSeconds: 60,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      log('seeding 90 days of probe results');
      await seedHistory(databaseUrl);
      const api = await startApiProcess(databaseUrl, prefix, YAML);
      try {
        const auth = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };
        const created = await fetch(`${api.url}/api/status/incidents`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ title: 'Slow payments', impact: 'degraded', components: ['Payments'], message: 'Card payments are slow.' }),
        });
        const { id } = (await created.json()) as { id: number };
        await fetch(`${api.url}/api/status/incidents/${id}/updates`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ status: 'identified', message: 'A provider is slow; we are switching.' }),
        });
        // The page rebuilds every 2 s; the incident is on it once this answers with it.
        for (let i = 0; i < 50 && !(await (await fetch(`${api.url}/status`)).text()).includes('switching'); i++) await sleep(200);
        const bytes = (await (await fetch(`${api.url}/status`)).text()).length;

        const agent = new Agent({ keepAlive: true, maxSockets: 64 });
        const { hostname, port } = new URL(api.url);
        const latencies: number[] = [];
        let errors = 0;
        const one = () =>
          new Promise<void>((resolve) => {
            const started = performance.now();
            const req = request({ hostname, port, path: '/status', agent }, (res) => {
              res.resume();
              res.on('end', () => {
                latencies.push(performance.now() - started);
                if (res.statusCode !== 200) errors++;
                resolve();
              });
            });
            req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
            req.on('error', () => {
              errors++;
              resolve();
            });
            req.end();
          });
        log(`${RATE} requests/s for ${SECONDS} s (page ${(bytes / 1024).toFixed(1)} KB)`);
        const pending: Promise<void>[] = [];
        const start = performance.now();
        for (let i = 0; i < RATE * SECONDS; i++) {
          await sleep(Math.max(0, start + (i * 1000) / RATE - performance.now()));
          pending.push(one());
        }
        await Promise.all(pending);
        const elapsed = (performance.now() - start) / 1000;
        agent.destroy();
        const d = rounded(distribution(latencies));
        return {
          target: `${RATE} requests/s for ${SECONDS} s: p99 reported, no error`,
          pass: errors <= TARGET_ERRORS,
          headline: `p99 ${formatMs(d.p99)}, ${errors} errors of ${RATE * SECONDS} (target: no error)`,
          details: [`p50 ${formatMs(d.p50)}, p95 ${formatMs(d.p95)}, max ${formatMs(d.max)}; sent over ${elapsed.toFixed(1)} s; page ${(bytes / 1024).toFixed(1)} KB`],
          figures: { latencyMs: d, errors, requests: RATE * SECONDS, elapsedSeconds: elapsed, pageBytes: bytes },
        };
      } finally {
        await api.stop();
      }
    }),
};
