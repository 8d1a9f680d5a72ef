/**
 * The API's memory while 100,000 distinct label values are pushed (issue 17, item 5): an API in
 * a process of its own, sampled for RSS every 100 ms while it takes the flood and is scraped.
 * `node --import tsx bench/series-flood.ts`; prints one line per phase and the peak.
 * `… bench/series-flood.ts invalid`: the same with 100,000 invalid samples in two pushes, each
 * broken in several ways (name, value, label name), so validation and error reporting are what
 * the API spends its memory on.
 */
import { startApiProcess } from './api-process.ts';
import { readRssMB } from './proc-stats.ts';
import { payOwedCleanups, withScratch } from './scratch.ts';

const PER_PUSH = 50_000;

const MODE = process.argv[2] ?? 'series';
if (MODE !== 'series' && MODE !== 'invalid') throw new Error(`bench/series-flood.ts: unknown mode "${MODE}" (series or invalid)`);

async function push(url: string, token: string, samples: unknown[]): Promise<{ accepted: number; rejected: number }> {
  const res = await fetch(`${url}/api/metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(samples) });
  const body = (await res.json()) as { accepted: number; rejected: unknown[]; rejectedCount?: number };
  return { accepted: body.accepted, rejected: body.rejectedCount ?? body.rejected.length };
}

/** Sample i of push p, wrong in five ways at once: a space in the name, a string value, two label names with a dash, a reserved one. */
const invalidSample = (p: number, i: number) => ({ name: `bad name ${p}`, value: `v${i}`, labels: { 'bad-a': `u${i}`, 'bad-b': 'x', __c: 'y', ok: 'x' } });

try {
  await withScratch(async ({ databaseUrl, prefix }) => {
    const api = await startApiProcess(databaseUrl, prefix);
    try {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, readRssMB(api.app.pid))), 100);
      const report = (phase: string) => console.log(`${phase.padEnd(52)} rss ${readRssMB(api.app.pid).toFixed(0)} MB (peak so far ${Math.max(peak, readRssMB(api.app.pid)).toFixed(0)} MB)`);
      report('started');
      const scrape = async () => {
        await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${api.token}` } }).then((r) => r.text());
        await fetch(`${api.url}/api/metrics/current`, { headers: { authorization: `Bearer ${api.token}` } }).then((r) => r.text());
      };
      if (MODE === 'invalid') {
        for (let p = 0; p < 2; p++) {
          const r = await push(
            api.url,
            api.token,
            Array.from({ length: PER_PUSH }, (_, i) => invalidSample(p, i)),
          );
          report(`push ${p + 1}: ${PER_PUSH} invalid samples (${r.rejected} rejected)`);
        }
        await scrape();
        report('scraped /metrics and /api/metrics/current');
        clearInterval(sampler);
        console.log(`peak API RSS: ${peak.toFixed(0)} MB`);
        return;
      }
      // The repro: one metric, two pushes of 50,000 distinct values.
      for (let p = 0; p < 2; p++) {
        const samples = Array.from({ length: PER_PUSH }, (_, i) => ({ name: 'flood_one_metric', value: i, labels: { user: `u${p * PER_PUSH + i}` } }));
        const r = await push(api.url, api.token, samples);
        report(`push ${p + 1}: one metric, ${PER_PUSH} values (${r.accepted} accepted)`);
      }
      await scrape();
      report('scraped /metrics and /api/metrics/current');
      // Spread over 100 metrics, 1,000 values each: within the per-metric limit, so the per-minute one decides.
      for (let p = 0; p < 2; p++) {
        const samples = Array.from({ length: PER_PUSH }, (_, i) => ({ name: `flood_m${Math.floor(i / 1_000) + p * 50}`, value: i, labels: { user: `v${i % 1_000}` } }));
        const r = await push(api.url, api.token, samples);
        report(`push ${p + 3}: 50 metrics, ${PER_PUSH} values (${r.accepted} accepted)`);
      }
      await scrape();
      report('scraped again');
      clearInterval(sampler);
      console.log(`peak API RSS: ${peak.toFixed(0)} MB`);
    } finally {
      await api.stop();
    }
  });
} finally {
  await payOwedCleanups();
}
