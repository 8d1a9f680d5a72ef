import pg from 'pg';
import { Redis } from 'ioredis';
import { redisKeys } from '@vigia/live';
import { startHttpReceiver } from '@vigia/testing';
import { HOOK_CHANNEL, shippedYamlWith, type HookBody } from './alerting-config.ts';
import { startApiProcess } from './api-process.ts';
import type { Benchmark } from './benchmark.ts';
import { sleep } from './poll.ts';
import { REDIS_URL, owe, withScratch } from './scratch.ts';
import { distribution, rounded } from './stats.ts';
import { startWorkerProcess, troubleLines } from './worker-process.ts';

const RULE = 'Bench Latency';
const FOR_SECONDS = 10;
const FIRE_TARGET_SECONDS = 1.5;
const RESOLVE_TARGET_SECONDS = 2;
const EPISODES = 10;
const METRIC = 'bench_alert_latency';
const THRESHOLD = 100;
// The shipped collection interval: each series gets a sample this often, as from a collector.
const SAMPLE_EVERY_MS = 5_000;
// Series start 500 ms apart, so their samples fall at ten phases of the 5 s evaluation tick.
const PHASE_MS = 500;
const BELOW_FIRST = 2;

const seriesName = (i: number) => `s${String(i).padStart(2, '0')}`;

interface Episode {
  series: string;
  /** Date.now() just before the first sample over the threshold was POSTed. */
  crossedAt?: number;
  /** Date.now() just before the first sample under it, after the alert fired, was POSTed. */
  clearedAt?: number;
}

interface Stored {
  series: string;
  started_at: Date;
  fired_at: Date | null;
  resolved_event_at: Date | null;
}

/** When the worker started each episode (the countdown), fired it and resolved it. */
async function storedTimes(databaseUrl: string): Promise<Map<string, Stored>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Stored>(
      `SELECT a.labels->>'series' AS series, a.started_at,
              (SELECT min(e.at) FROM alert_events e WHERE e.alert_id = a.id AND e.type = 'firing') AS fired_at,
              (SELECT min(e.at) FROM alert_events e WHERE e.alert_id = a.id AND e.type = 'resolved') AS resolved_event_at
       FROM alerts a WHERE a.rule = $1`,
      [RULE],
    );
    return new Map(rows.map((r) => [r.series, r]));
  } finally {
    await client.end();
  }
}

/**
 * The shipped configuration plus one rule with a 10 s `for`: first sample over the threshold →
 * firing webhook, and first sample under it → resolved webhook, real API and worker processes.
 */
export const alertingLatencyBenchmark: Benchmark = {
  name: 'alerting-latency',
  expectedSeconds: 70,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const hook = await startHttpReceiver();
      const closeHook = owe(() => hook.close());
      const redis = new Redis(REDIS_URL);
      const keys = redisKeys(prefix);
      const api = await startApiProcess(databaseUrl, prefix);
      const yaml = shippedYamlWith({
        hookUrl: hook.url,
        rules: [{ name: RULE, metric: METRIC, operator: '>', threshold: THRESHOLD, for: `${FOR_SECONDS}s`, severity: 'critical', channels: [HOOK_CHANNEL] }],
      });
      const worker = startWorkerProcess(databaseUrl, prefix, yaml);
      const push = async (series: string, value: number) => {
        const res = await fetch(`${api.url}/api/metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
          body: JSON.stringify([{ name: METRIC, value, labels: { series } }]),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await res.json()) as { accepted: number };
        if (res.status !== 200 || answer.accepted !== 1) throw new Error(`POST /api/metrics answered ${res.status}: ${JSON.stringify(answer)}`);
      };
      // First receipt of each reason per series, on the receiver's clock (the benchmark process's).
      const receipt = (series: string, reason: string) => {
        for (const r of hook.requests) {
          const body = JSON.parse(r.body) as HookBody;
          if (body.alert.rule === RULE && body.reason === reason && body.alert.labels.series === series) return r.at;
        }
        return undefined;
      };
      const episodes = Array.from({ length: EPISODES }, (_, i): Episode => ({ series: seriesName(i) }));
      let stopping = false;
      // One series as a collector at the shipped interval would report it: under, over until the
      // alert fires, then under until it resolves.
      const run = async (episode: Episode, i: number) => {
        await sleep(i * PHASE_MS);
        const until = Date.now() + 90_000;
        for (let n = 0; !stopping && Date.now() < until; n++) {
          const slot = Date.now();
          if (episode.clearedAt !== undefined && receipt(episode.series, 'resolved') !== undefined) return;
          if (n === BELOW_FIRST) episode.crossedAt = Date.now();
          else if (episode.crossedAt !== undefined && episode.clearedAt === undefined && receipt(episode.series, 'new') !== undefined) episode.clearedAt = Date.now();
          const over = episode.crossedAt !== undefined && episode.clearedAt === undefined;
          await push(episode.series, over ? 500 : 1);
          await sleep(Math.max(0, slot + SAMPLE_EVERY_MS - Date.now()));
        }
      };
      try {
        // The worker publishes its channels once its alerting side is up; the lease follows at once.
        await worker.waitFor(() => redis.hexists(keys.channels, HOOK_CHANNEL), 'the worker’s alerting to start', { timeoutMs: 90_000 });
        await worker.waitFor(() => redis.exists(keys.alertingOwner), 'the worker to take the evaluation lease', { timeoutMs: 30_000 });
        log(
          `worker pid ${worker.app.pid}, API pid ${api.app.pid}; ${EPISODES} series, a sample each every ${SAMPLE_EVERY_MS / 1000} s, ${PHASE_MS} ms apart; rule for ${FOR_SECONDS} s, shipped evaluation interval`,
        );
        await Promise.all(episodes.map(run));
        stopping = true;
        // A second message for one episode would show up here.
        await sleep(1_000);

        const stored = await storedTimes(databaseUrl);
        const ids = hook.json<HookBody>((b) => b.alert.rule === RULE).map((b) => b.notificationId);
        const duplicates = ids.length - new Set(ids).size;
        const warnings = [...troubleLines(worker.app), ...troubleLines(api.app)];
        const seconds = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? null : (to - from) / 1000);
        const rows = episodes.map((e) => {
          const s = stored.get(e.series);
          const fired = receipt(e.series, 'new');
          const resolved = receipt(e.series, 'resolved');
          return {
            series: e.series,
            // Past `for`, counted from the crossing sample's POST.
            fireAfterForSeconds: e.crossedAt !== undefined && fired !== undefined ? (fired - e.crossedAt) / 1000 - FOR_SECONDS : null,
            resolveSeconds: seconds(e.clearedAt, resolved),
            // Crossing POST → countdown started (the episode's started_at), start → fired past `for`, resolve POST → resolved event.
            toPendingMs: s && e.crossedAt !== undefined ? s.started_at.getTime() - e.crossedAt : null,
            firedPastForMs: s?.fired_at ? s.fired_at.getTime() - s.started_at.getTime() - FOR_SECONDS * 1000 : null,
            toResolvedEventMs: s?.resolved_event_at && e.clearedAt !== undefined ? s.resolved_event_at.getTime() - e.clearedAt : null,
          };
        });
        const values = (f: (r: (typeof rows)[number]) => number | null) => rows.map(f).filter((v): v is number => v !== null);
        const fire = distribution(values((r) => r.fireAfterForSeconds));
        const resolve = distribution(values((r) => r.resolveSeconds));
        const part = (f: (r: (typeof rows)[number]) => number | null) => rounded(distribution(values(f)), 0);
        const missing = rows.filter((r) => r.fireAfterForSeconds === null || r.resolveSeconds === null).map((r) => r.series);
        const pass = missing.length === 0 && duplicates === 0 && fire.max <= FIRE_TARGET_SECONDS && resolve.max <= RESOLVE_TARGET_SECONDS;
        const f2 = (v: number) => v.toFixed(2);
        return {
          target: `first sample over the threshold → firing webhook ≤ for + ${FIRE_TARGET_SECONDS} s; first sample under it → resolved webhook ≤ ${RESOLVE_TARGET_SECONDS} s (shipped config, for ${FOR_SECONDS} s)`,
          pass,
          headline: `fire: for + ${f2(fire.max)} s max, + ${f2(fire.p50)} s p50; resolve: ${f2(resolve.max)} s max, ${f2(resolve.p50)} s p50 over ${EPISODES} episodes (targets ≤ for + ${FIRE_TARGET_SECONDS} s, ≤ ${RESOLVE_TARGET_SECONDS} s)${missing.length ? `, ${missing.length} INCOMPLETE` : ''}`,
          details: [
            `fire past for, per episode (s): ${rows.map((r) => (r.fireAfterForSeconds === null ? 'lost' : f2(r.fireAfterForSeconds))).join(', ')}`,
            `resolve, per episode (s): ${rows.map((r) => (r.resolveSeconds === null ? 'lost' : f2(r.resolveSeconds))).join(', ')}`,
            `crossing POST → countdown started p50 ${part((r) => r.toPendingMs).p50} ms, max ${part((r) => r.toPendingMs).max} ms; fired past for p50 ${part((r) => r.firedPastForMs).p50} ms, max ${part((r) => r.firedPastForMs).max} ms; resolve POST → resolved p50 ${part((r) => r.toResolvedEventMs).p50} ms`,
            `webhooks for the rule ${ids.length}, duplicates ${duplicates}; ${warnings.length} warning line(s) from the worker and API${warnings.length ? `, the first: ${warnings[0]}` : ''}`,
            ...(missing.length ? [`INCOMPLETE: ${missing.join(', ')}`] : []),
            ...(fire.max > FIRE_TARGET_SECONDS ? [`MISSED: fire over target by ${f2(fire.max - FIRE_TARGET_SECONDS)} s`] : []),
            ...(resolve.max > RESOLVE_TARGET_SECONDS ? [`MISSED: resolve over target by ${f2(resolve.max - RESOLVE_TARGET_SECONDS)} s`] : []),
          ],
          figures: {
            config: 'config/monitoring.yaml as shipped (system collector every 5 s, evaluation_interval 5s, its rules) plus the rule below and a webhook channel',
            forSeconds: FOR_SECONDS,
            sampleEveryMs: SAMPLE_EVERY_MS,
            episodes: EPISODES,
            targets: { fireAfterForSeconds: FIRE_TARGET_SECONDS, resolveSeconds: RESOLVE_TARGET_SECONDS },
            fireAfterForSeconds: rounded(fire, 3),
            resolveSeconds: rounded(resolve, 3),
            perEpisode: rows,
            breakdownMs: { toPending: part((r) => r.toPendingMs), firedPastFor: part((r) => r.firedPastForMs), toResolvedEvent: part((r) => r.toResolvedEventMs) },
            webhooks: ids.length,
            duplicates,
            missing,
            clock:
              'Date.now() in the bench process for the POSTs and the receipts (the receiver runs in the bench process); the breakdown uses PostgreSQL’s timestamps written by the worker, the same machine',
            warnings: warnings.slice(0, 20),
          },
        };
      } finally {
        stopping = true;
        await worker.stop();
        await api.stop();
        redis.disconnect();
        await closeHook();
      }
    }),
};
