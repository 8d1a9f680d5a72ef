import pg from 'pg';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { seriesKey } from '@vigia/core';
import { SampleWriter, redisKeys, type LiveSample } from '@vigia/live';
import { startHttpReceiver, type ReceivedRequest, type ScriptedResponse } from '@vigia/testing';
import type { Benchmark } from './benchmark.ts';
import { builtInCollectors } from './collector-plugins.ts';
import { sleep } from './poll.ts';
import { formatRate } from './report.ts';
import { REDIS_URL, owe, withScratch } from './scratch.ts';
import { startWorkerProcess, troubleLines } from './worker-process.ts';

const ALERTS = 125;
const METRIC = 'bench_fanout';
const WAIT_SECONDS = 120;
const TELEGRAM_TOKEN = '123456789:AAbenchTOKEN';
const SMS_SID = 'ACbench';

const json = (status: number, body: unknown): ScriptedResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * The eight kinds, each with its settings pointed at the local receiver and the path it posts to,
 * answered the way the service's documented API answers a success.
 */
const KINDS: { kind: string; settings: (base: string) => Record<string, unknown>; path: RegExp; answer: (n: number) => ScriptedResponse }[] = [
  { kind: 'discord', settings: (b) => ({ url: `${b}/api/webhooks/1/discord-token` }), path: /^\/api\/webhooks\//, answer: (n) => json(200, { id: String(1e17 + n), channel_id: '1' }) },
  { kind: 'teams', settings: (b) => ({ url: `${b}/workflows/teams` }), path: /^\/workflows\/teams/, answer: () => ({ status: 202, body: '' }) },
  {
    kind: 'telegram',
    settings: (b) => ({ url: b, token: TELEGRAM_TOKEN, chat_id: -100123 }),
    path: /^\/bot[^/]+\/sendMessage/,
    answer: (n) => json(200, { ok: true, result: { message_id: n, chat: { id: -100123 } } }),
  },
  { kind: 'pagerduty', settings: (b) => ({ url: b, routing_key: 'R'.repeat(32) }), path: /^\/v2\/enqueue/, answer: () => json(202, { status: 'success', message: 'Event processed' }) },
  {
    kind: 'opsgenie',
    settings: (b) => ({ url: b, api_key: '01234567-89ab-cdef-0123-456789abcdef' }),
    path: /^\/v2\/alerts/,
    answer: (n) => json(202, { result: 'Request will be processed', took: 0.01, requestId: `req-${n}` }),
  },
  { kind: 'ntfy', settings: (b) => ({ url: `${b}/ntfy`, topic: 'bench-oncall' }), path: /^\/ntfy/, answer: (n) => json(200, { id: `ntfy${n}`, event: 'message' }) },
  { kind: 'pushover', settings: (b) => ({ url: b, token: 'a'.repeat(30), user: 'u'.repeat(30) }), path: /^\/1\/messages\.json/, answer: (n) => json(200, { status: 1, request: `req-${n}` }) },
  {
    kind: 'sms',
    settings: (b) => ({ url: b, account_sid: SMS_SID, auth_token: 'secret', from: '+15550000000', to: ['+15550000001'] }),
    path: /^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json/,
    answer: (n) => json(201, { sid: `SM${n}`, status: 'queued' }),
  },
];

/** Which series a request is about: every kind's message names the alert's labels. */
const seriesOf = (req: ReceivedRequest) => /fan-\d{3}/.exec(req.path.startsWith('/2010-04-01') ? decodeURIComponent(req.body.replace(/\+/g, ' ')) : req.body)?.[0];

/**
 * 125 series cross one critical rule routed to eight channels, one of each kind the on-call work
 * added: 1,000 notifications, each to be delivered exactly once through a real worker.
 */
export const channelFanoutBenchmark: Benchmark = {
  name: 'channel-fanout',
  expectedSeconds: 60,
  run: (log) =>
    withScratch(async ({ databaseUrl, prefix }) => {
      const receipts = new Map<string, number[]>();
      let unattributed = 0;
      let served = 0;
      const receiver = await startHttpReceiver((req) => {
        const kind = KINDS.find((k) => k.path.test(req.path));
        if (!kind) return json(404, { error: `no such path ${req.path}` });
        const series = seriesOf(req);
        if (!series) unattributed++;
        else {
          const key = `${kind.kind}/${series}`;
          const seen = receipts.get(key);
          if (seen) seen.push(req.at);
          else receipts.set(key, [req.at]);
        }
        return kind.answer(++served);
      });
      receiver.requests.length = 0;
      const closeReceiver = owe(() => receiver.close());
      const redis = new Redis(REDIS_URL);
      const keys = redisKeys(prefix);
      const channels = Object.fromEntries(KINDS.map((k) => [`bench-${k.kind}`, { type: k.kind, ...k.settings(receiver.url) }]));
      const yaml = stringify({
        collectors: Object.fromEntries(builtInCollectors().map((n) => [n, { enabled: false }])),
        alerts: {
          collector_down: { enabled: false },
          rules: [{ name: 'Bench Fanout', metric: METRIC, operator: '>', threshold: 100, for: '0s', severity: 'critical', channels: Object.keys(channels) }],
        },
        channels,
      });
      const expected = ALERTS * KINDS.length;
      const worker = startWorkerProcess(databaseUrl, prefix, yaml);
      try {
        await worker.waitFor(async () => (await redis.hlen(keys.channels)) >= KINDS.length, 'the worker’s eight channels', { timeoutMs: 90_000 });
        await sleep(1_000);
        // Keep the receiver's own log from growing with every request: only the counts above matter.
        receiver.requests.length = 0;
        const writer = new SampleWriter(redis, keys, { liveWindowMs: 3_600_000 });
        const writtenAt = Date.now();
        const samples: LiveSample[] = Array.from({ length: ALERTS }, (_, i) => {
          const labels = { series: `fan-${String(i).padStart(3, '0')}` };
          return { key: seriesKey(METRIC, labels), name: METRIC, labels, value: 500, timestamp: writtenAt };
        });
        await writer.write({ source: 'bench', samples });
        log(`worker pid ${worker.app.pid}: ${ALERTS} series over the threshold, ${KINDS.length} channels each; waiting for ${expected} deliveries (at most ${WAIT_SECONDS} s)`);
        await worker.waitFor(() => receipts.size >= expected, `${expected} deliveries`, { timeoutMs: WAIT_SECONDS * 1000, intervalMs: 100 }).catch((error: Error) => log(error.message));
        // A retry of something already received would arrive now.
        await sleep(2_000);
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const { rows } = await client
          .query<{ first: Date | null; rows: number; delivered: number }>(
            `SELECT min(created_at) AS first, count(*)::int AS rows, count(*) FILTER (WHERE state = 'delivered')::int AS delivered FROM notifications`,
          )
          .finally(() => client.end());
        const db = rows[0]!;
        const warnings = troubleLines(worker.app);
        await worker.stop();

        const firsts = [...receipts.values()].map((r) => r[0]!);
        const duplicates = [...receipts.values()].reduce((n, r) => n + r.length - 1, 0);
        const lastReceipt = Math.max(...firsts);
        const firstOutbox = db.first?.getTime() ?? NaN;
        const seconds = (lastReceipt - firstOutbox) / 1000;
        const perKind = KINDS.map((k) => `${k.kind} ${[...receipts.keys()].filter((key) => key.startsWith(`${k.kind}/`)).length}`);
        const missing = expected - receipts.size;
        const pass = missing === 0 && duplicates === 0 && unattributed === 0;
        return {
          target: `${expected.toLocaleString('en-US')} notifications fanned out to ${KINDS.length} channel kinds: all delivered exactly once, delivery time reported`,
          pass,
          headline: `${receipts.size.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} delivered in ${seconds.toFixed(1)} s from the first outbox row (${formatRate(receipts.size / Math.max(0.001, seconds))}); duplicates ${duplicates}, missing ${missing}`,
          details: [
            `per kind: ${perKind.join(', ')}`,
            `samples written → first outbox row ${((firstOutbox - writtenAt) / 1000).toFixed(1)} s; outbox ${db.rows} rows, ${db.delivered} delivered`,
            ...(unattributed ? [`${unattributed} request(s) that named no series`] : []),
            `${warnings.length} warning line(s)${warnings.length ? `, the first: ${warnings[0]}` : ''}`,
          ],
          figures: {
            alerts: ALERTS,
            kinds: KINDS.map((k) => k.kind),
            expected,
            delivered: receipts.size,
            duplicates,
            missing,
            unattributed,
            secondsFromFirstOutboxRow: Math.round(seconds * 100) / 100,
            outbox: { rows: db.rows, delivered: db.delivered },
            warnings: warnings.slice(0, 20),
          },
        };
      } finally {
        await worker.stop();
        redis.disconnect();
        await closeReceiver();
      }
    }),
};
