import type { Redis } from 'ioredis';
import { seriesKey, type Labels, type MetricDescriptor, type Sample } from '@vigia/core';
import type { RedisKeys } from './keys.ts';

/** A sample as it travels: identified, stamped, never partial. */
export interface LiveSample {
  key: string;
  name: string;
  labels: Labels;
  value: number;
  timestamp: number;
  unit?: string;
}

export interface SampleBatch {
  /** Who produced it: a collector name, `push`, … */
  source: string;
  samples: LiveSample[];
}

export function toLiveSample(sample: Sample, now: number): LiveSample {
  const labels = sample.labels ?? {};
  const out: LiveSample = { key: seriesKey(sample.name, labels), name: sample.name, labels, value: sample.value, timestamp: sample.timestamp ?? now };
  if (sample.unit) out.unit = sample.unit;
  return out;
}

export interface SampleWriterOptions {
  liveWindowMs: number;
  /** How far back a reconnecting live subscriber can resume (ms of the live stream kept). */
  liveBacklogMs?: number;
}

// Trimming a window and renewing its expiry once a minute per series is enough (readers select
// by time anyway) and saves two of the three commands a sample would otherwise cost.
const TRIM_EVERY_MS = 60_000;

/**
 * One batch as one script call, atomic like the MULTI it replaces but without a command (and a
 * QUEUED reply) per series: a remote-write request of 2,000 series cost the API more in ioredis
 * commands than in everything else. KEYS: latest hash, ingest stream, live stream, then each
 * series' window. ARGV: the batch payload, the live stream's MINID, the window horizon
 * (exclusive), the window TTL (ms), the number of latest fields, (series key, sample JSON) each,
 * then per window: trim flag (1: trim and renew its TTL), member count, (score, member) each.
 * Arguments go to Redis in slices: Lua's unpack holds at most a few thousand values.
 */
const WRITE = `
local at = 6
local function slices(command, key, n)
  local args = {}
  for _ = 1, n do
    args[#args + 1] = ARGV[at]
    args[#args + 1] = ARGV[at + 1]
    at = at + 2
    if #args >= 1000 then
      redis.call(command, key, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call(command, key, unpack(args)) end
end
slices('HSET', KEYS[1], tonumber(ARGV[5]))
for k = 4, #KEYS do
  local trim = ARGV[at]
  local n = tonumber(ARGV[at + 1])
  at = at + 2
  slices('ZADD', KEYS[k], n)
  if trim == '1' then
    redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', ARGV[3])
    redis.call('PEXPIRE', KEYS[k], ARGV[4])
  end
end
redis.call('XADD', KEYS[2], '*', 'b', ARGV[1])
return redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[2], '*', 'b', ARGV[1])
`;

/**
 * JSON.stringify(batch) from its samples' JSON: the same text for a batch of exactly `source` and
 * `samples` (what every writer builds); anything else is stringified whole.
 */
function payloadOf(batch: SampleBatch, samplesJson: string[]): string {
  const keys = Object.keys(batch);
  if (keys.length !== 2 || keys[0] !== 'source' || keys[1] !== 'samples' || !Array.isArray(batch.samples)) return JSON.stringify(batch);
  return `{"source":${JSON.stringify(batch.source)},"samples":[${samplesJson.join(',')}]}`;
}

/** The first argument is the number of keys, as EVAL takes it; answers the live stream entry id. */
type WriteScript = (numberOfKeys: number, keys: string[], args: (string | number)[]) => Promise<string>;

/**
 * Hands a batch to Redis in one script call: newest value per series, the live window, the ingest
 * stream (the PostgreSQL writer's queue) and the live stream. Once `write` resolves the batch is
 * acknowledged: it is in the ingest stream and will reach history even if this process dies.
 */
export class SampleWriter {
  private readonly trimmedAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: SampleWriterOptions,
  ) {}

  /**
   * The script by its SHA (EVALSHA), as SeriesGuard does: sent once, then a call per batch.
   * ioredis sends it again by itself after a Redis restart.
   */
  private writeScript(): WriteScript {
    const client = this.redis as Redis & { vigiaWriteSamples?: WriteScript };
    if (!client.vigiaWriteSamples) this.redis.defineCommand('vigiaWriteSamples', { lua: WRITE });
    return client.vigiaWriteSamples!.bind(client);
  }

  async write(batch: SampleBatch): Promise<string | null> {
    if (batch.samples.length === 0) return null;
    // The last sample of each series in the batch is its newest value: one field per series, not
    // per sample (a push of history can hold thousands of samples of one series).
    // Each sample is written as JSON once: its text is both its part of the payload and, for the
    // newest of its series, the latest field (stringifying twice was most of a write's CPU).
    const json: string[] = new Array<string>(batch.samples.length);
    const last = new Map<string, string>();
    const windows = new Map<string, (string | number)[]>();
    let newest = 0;
    for (let i = 0; i < batch.samples.length; i++) {
      const s = batch.samples[i]!;
      json[i] = JSON.stringify(s);
      last.set(s.key, json[i]!);
      let members = windows.get(s.key);
      if (!members) windows.set(s.key, (members = []));
      members.push(s.timestamp, `${s.timestamp}:${s.value}`);
      if (s.timestamp > newest) newest = s.timestamp;
    }
    const now = Date.now();
    const payload = payloadOf(batch, json);
    const keys: string[] = [this.keys.latest, this.keys.ingest, this.keys.live];
    const args: (string | number)[] = [
      payload,
      // Kept by age, not count: a stream of large batches must not hold gigabytes.
      String(now - (this.options.liveBacklogMs ?? 5 * 60_000)),
      `(${newest - this.options.liveWindowMs}`,
      this.options.liveWindowMs * 2,
      last.size,
    ];
    for (const [key, text] of last) args.push(key, text);
    for (const [key, members] of windows) {
      keys.push(this.keys.window(key));
      const trimmed = this.trimmedAt.get(key);
      const trim = trimmed === undefined || now - trimmed >= TRIM_EVERY_MS;
      if (trim) this.trimmedAt.set(key, now);
      args.push(trim ? 1 : 0, members.length / 2);
      for (const m of members) args.push(m);
    }
    if (this.trimmedAt.size > 200_000) this.trimmedAt.clear(); // bounded memory; series just get trimmed again
    // Arrays, not spread: ioredis flattens them, and a 50,000-sample push would pass V8's argument limit.
    return this.writeScript()(keys.length, keys, args);
  }

  /** Records HELP text, unit and type per metric name, for /metrics and the UI. */
  async describe(metrics: Record<string, MetricDescriptor>): Promise<void> {
    const entries = Object.entries(metrics).flatMap(([name, d]) => [name, JSON.stringify(d)]);
    if (entries.length) await this.redis.hset(this.keys.meta, ...entries);
  }
}
