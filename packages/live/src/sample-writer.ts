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
 * One batch as one script call with a fixed handful of arguments, atomic like the MULTI it
 * replaces. Arguments used to be several per sample (latest field and text, window score and
 * member): for a remote-write request of 2,000 series ioredis then built, measured and wrote
 * about 14,000 of them, more CPU than everything else the API did with the request. Now the
 * per-series parts travel packed in three strings the script takes apart.
 *
 * KEYS: latest hash, ingest stream, live stream. ARGV: 1 the batch payload, 2 the live stream's
 * MINID, 3 the window horizon (exclusive), 4 the window TTL (ms), 5 the window key prefix, 6 the
 * batch's series keys, each ended by a newline (a series key never holds one: seriesKey escapes
 * it), 7 per series `<trim 0|1> <members> <from> <to>;`, where from..to (1-based, inclusive, in
 * bytes) is the newest sample's JSON inside ARGV[8], 8 that text (empty: the payload itself,
 * which holds every sample's JSON), 9 the window members (`<ms>:<value>`), each ended by a space.
 * The window keys are the prefix and the series key joined here rather than passed in KEYS: they
 * were 2,000 more arguments a request, and these keys (like latest and the streams beside them)
 * are not spread over a cluster's slots anyway.
 * Commands get their arguments in slices: Lua's unpack holds at most a few thousand values.
 */
const WRITE = `
local payload = ARGV[1]
local latestText = ARGV[8]
if latestText == '' then latestText = payload end
local series, heads, members = ARGV[6], ARGV[7], ARGV[9]
local sp, hp, mp = 1, 1, 1
local fields = {}
while sp <= #series do
  local nl = string.find(series, '\\n', sp, true)
  local key = string.sub(series, sp, nl - 1)
  sp = nl + 1
  local _, he, trim, n, from, to = string.find(heads, '^(%d) (%d+) (%d+) (%d+);', hp)
  hp = he + 1
  fields[#fields + 1] = key
  fields[#fields + 1] = string.sub(latestText, tonumber(from), tonumber(to))
  if #fields >= 1000 then
    redis.call('HSET', KEYS[1], unpack(fields))
    fields = {}
  end
  local window = ARGV[5] .. key
  local scored = {}
  for _ = 1, tonumber(n) do
    local colon = string.find(members, ':', mp, true)
    local space = string.find(members, ' ', colon, true)
    scored[#scored + 1] = string.sub(members, mp, colon - 1)
    scored[#scored + 1] = string.sub(members, mp, space - 1)
    mp = space + 1
    if #scored >= 1000 then
      redis.call('ZADD', window, unpack(scored))
      scored = {}
    end
  end
  if #scored > 0 then redis.call('ZADD', window, unpack(scored)) end
  if trim == '1' then
    redis.call('ZREMRANGEBYSCORE', window, '-inf', ARGV[3])
    redis.call('PEXPIRE', window, ARGV[4])
  end
end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('XADD', KEYS[2], '*', 'b', payload)
return redis.call('XADD', KEYS[3], 'MINID', '~', ARGV[2], '*', 'b', payload)
`;

/** What the batch holds of one series: its newest sample (the last in the batch) and its window members. */
interface SeriesPart {
  latest: number;
  count: number;
  members: string;
}

/** The first argument is the number of keys, as EVAL takes it; answers the live stream entry id. */
type WriteScript = (numberOfKeys: number, keys: string[], args: (string | number)[]) => Promise<string>;

/** Whether a batch is exactly `source` and `samples` (what every writer builds), so its JSON can be assembled from its samples'. */
function isPlainBatch(batch: SampleBatch): boolean {
  const keys = Object.keys(batch);
  return keys.length === 2 && keys[0] === 'source' && keys[1] === 'samples' && Array.isArray(batch.samples);
}

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
    const samples = batch.samples;
    if (samples.length === 0) return null;
    // Each sample is written as JSON once: its text is its part of the payload and, for the newest
    // of its series (the last in the batch: one field per series, not per sample), the latest field.
    const json: string[] = new Array<string>(samples.length);
    const parts = new Map<string, SeriesPart>();
    let newest = 0;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      json[i] = JSON.stringify(s);
      const member = `${s.timestamp}:${s.value} `;
      const part = parts.get(s.key);
      if (part) {
        part.latest = i;
        part.count++;
        part.members += member;
      } else parts.set(s.key, { latest: i, count: 1, members: member });
      if (s.timestamp > newest) newest = s.timestamp;
    }
    const plain = isPlainBatch(batch);
    const head = plain ? `{"source":${JSON.stringify(batch.source)},"samples":[` : '';
    const payload = plain ? `${head}${json.join(',')}]}` : JSON.stringify(batch);
    const { starts, latestText } = plain ? locateInPayload(payload, head, json) : locateApart(json);
    const now = Date.now();
    let series = '';
    let heads = '';
    let members = '';
    for (const [key, part] of parts) {
      const trimmed = this.trimmedAt.get(key);
      const trim = trimmed === undefined || now - trimmed >= TRIM_EVERY_MS;
      if (trim) this.trimmedAt.set(key, now);
      const from = starts[part.latest]!;
      series += `${key}\n`;
      heads += `${trim ? 1 : 0} ${part.count} ${from + 1} ${starts[part.latest + 1]! - (plain ? 1 : 0)};`;
      members += part.members;
    }
    if (this.trimmedAt.size > 200_000) this.trimmedAt.clear(); // bounded memory; series just get trimmed again
    return this.writeScript()(
      3,
      [this.keys.latest, this.keys.ingest, this.keys.live],
      [
        payload,
        // Kept by age, not count: a stream of large batches must not hold gigabytes.
        String(now - (this.options.liveBacklogMs ?? 5 * 60_000)),
        `(${newest - this.options.liveWindowMs}`,
        this.options.liveWindowMs * 2,
        this.keys.window(''),
        series,
        heads,
        latestText,
        members,
      ],
    );
  }

  /** Records HELP text, unit and type per metric name, for /metrics and the UI. */
  async describe(metrics: Record<string, MetricDescriptor>): Promise<void> {
    const entries = Object.entries(metrics).flatMap(([name, d]) => [name, JSON.stringify(d)]);
    if (entries.length) await this.redis.hset(this.keys.meta, ...entries);
  }
}

/**
 * Where each sample's JSON starts in the payload, in UTF-8 bytes as the script counts them:
 * starts[i] is sample i's offset, starts[n] the offset just past the last one's separating comma.
 * A payload of ASCII only (the usual) has as many bytes as characters, so lengths do; otherwise each
 * sample's text is measured.
 */
function locateInPayload(payload: string, head: string, json: string[]): { starts: number[]; latestText: string } {
  const ascii = Buffer.byteLength(payload) === payload.length;
  const starts = new Array<number>(json.length + 1);
  let at = ascii ? head.length : Buffer.byteLength(head);
  for (let i = 0; i < json.length; i++) {
    starts[i] = at;
    at += (ascii ? json[i]!.length : Buffer.byteLength(json[i]!)) + 1;
  }
  starts[json.length] = at;
  return { starts, latestText: '' };
}

/** For a batch stringified whole (not assembled from its samples): the samples' JSON side by side, with no separator. */
function locateApart(json: string[]): { starts: number[]; latestText: string } {
  const text = json.join('');
  const ascii = Buffer.byteLength(text) === text.length;
  const starts = new Array<number>(json.length + 1);
  let at = 0;
  for (let i = 0; i < json.length; i++) {
    starts[i] = at;
    at += ascii ? json[i]!.length : Buffer.byteLength(json[i]!);
  }
  starts[json.length] = at;
  return { starts, latestText: text };
}
