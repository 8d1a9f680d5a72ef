import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import type { LiveSample } from './sample-writer.ts';

/** What one sender may cost everyone (config `limits:`), applied on every ingest path. */
export interface SeriesLimits {
  seriesPerMetric: number;
  newSeriesPerMinute: number;
  labelsPerSample: number;
  labelNameLength: number;
  labelValueLength: number;
}

/** Why a sample was refused: `reason` labels vigia_ingest_rejected_total, `error` is for the sender. */
export interface Refusal {
  reason: 'labels_limit' | 'label_too_long' | 'series_limit' | 'new_series_rate';
  error: string;
}

// A known series is stamped again at most once a minute: enough for retention to tell the silent
// ones, without a write per sample.
const REFRESH_MS = 60_000;
// Bounds the in-process record of admitted series; past it, stale entries go (fresh ones only cost a script call).
const ADMITTED_LIMIT = 50_000;

/**
 * One call decides a whole batch, atomically, so API processes and workers pushing at once cannot
 * together overshoot a limit. KEYS[1] counts series created this minute; KEYS[2..] are the known
 * sets (series key → last seen) of the metrics in the batch. ARGV: now, refresh ms, per-metric
 * limit, per-minute limit, then (metric index, series key) per sample. Answers 0 (admitted),
 * 1 (metric full) or 2 (too many new series this minute) per sample.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local refresh = tonumber(ARGV[2])
local perMetric = tonumber(ARGV[3])
local perMinute = tonumber(ARGV[4])
local created = tonumber(redis.call('GET', KEYS[1]) or '0')
local sizes = {}
local out = {}
local added = 0
for i = 5, #ARGV, 2 do
  local set = KEYS[tonumber(ARGV[i]) + 2]
  local member = ARGV[i + 1]
  local seen = redis.call('ZSCORE', set, member)
  local code = 0
  if seen then
    if now - tonumber(seen) >= refresh then redis.call('ZADD', set, now, member) end
  else
    local size = sizes[set] or redis.call('ZCARD', set)
    if size >= perMetric then
      code = 1
    elseif created + added >= perMinute then
      code = 2
    else
      redis.call('ZADD', set, now, member)
      size = size + 1
      added = added + 1
    end
    sizes[set] = size
  end
  out[#out + 1] = code
end
if added > 0 then
  redis.call('INCRBY', KEYS[1], added)
  redis.call('PEXPIRE', KEYS[1], 120000)
end
return out
`;

/** The first argument is the number of keys, as EVAL takes it. */
type AdmitScript = (...args: (string | number)[]) => Promise<number[]>;

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Cardinality limits. The series each metric holds are kept in Redis, so every API process and
 * worker shares them and a restart forgets nothing; series silent past raw retention are
 * forgotten (as their newest value is), which frees their place.
 */
export class SeriesGuard {
  /**
   * Series this process saw admitted, with when. Within a refresh interval of that a series needs
   * no Redis call: a known series is never refused, and its stamp is
   * only due again a minute later. So a steady collection asks Redis about a series once a minute,
   * not every tick, while new series (the ones limits are about) are always decided in Redis.
   */
  private readonly admitted = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly limits: SeriesLimits,
  ) {}

  /**
   * The script by its SHA (EVALSHA): every collection and push asks, and EVAL would send its
   * 1.5 KB and have Redis hash it each time. ioredis sends it again by itself after a Redis restart.
   */
  private admitScript(): AdmitScript {
    const client = this.redis as Redis & { vigiaSeriesAdmit?: AdmitScript };
    if (!client.vigiaSeriesAdmit) this.redis.defineCommand('vigiaSeriesAdmit', { lua: ADMIT });
    return client.vigiaSeriesAdmit!.bind(client);
  }

  /** Checks that need no shared state: how many labels, how long their names and values. */
  labelProblem(sample: Pick<LiveSample, 'labels'>): Refusal | null {
    const { labelsPerSample, labelNameLength, labelValueLength } = this.limits;
    // for…in rather than Object.entries: a push of 50,000 samples should not build 50,000 arrays.
    let count = 0;
    for (const name in sample.labels) {
      count++;
      if (name.length > labelNameLength) {
        return { reason: 'label_too_long', error: `labels: the name ${shorten(name)} is longer than ${labelNameLength} characters (limits.label_name_length)` };
      }
      if (sample.labels[name]!.length > labelValueLength) {
        return { reason: 'label_too_long', error: `labels.${name}: the value is longer than ${labelValueLength} characters (limits.label_value_length)` };
      }
    }
    if (count > labelsPerSample) {
      return { reason: 'labels_limit', error: `labels: ${count} labels, at most ${labelsPerSample} per sample (limits.labels_per_sample)` };
    }
    return null;
  }

  /** One answer per sample, in order: null when admitted, else why not. */
  async admit(samples: readonly LiveSample[], now = Date.now()): Promise<(Refusal | null)[]> {
    const answers: (Refusal | null)[] = samples.map((s) => this.labelProblem(s));
    // Each series is asked about once however many samples it has in the batch (a push of history
    // holds many per series), and the answer goes to all of them.
    const metricIndex = new Map<string, number>();
    const seriesIndex = new Map<string, number>();
    const args: (string | number)[] = [];
    const names: string[] = [];
    samples.forEach((s, i) => {
      if (answers[i] || seriesIndex.has(s.key)) return;
      const stamped = this.admitted.get(s.key);
      if (stamped !== undefined && now - stamped < REFRESH_MS) return;
      let m = metricIndex.get(s.name);
      if (m === undefined) metricIndex.set(s.name, (m = metricIndex.size));
      seriesIndex.set(s.key, names.length);
      names.push(s.name);
      args.push(m, s.key);
    });
    if (names.length === 0) return answers;
    const minute = Math.floor(now / 60_000);
    const keys = [this.keys.newSeries(minute), ...[...metricIndex.keys()].map((name) => this.keys.knownSeries(name))];
    const { seriesPerMetric, newSeriesPerMinute } = this.limits;
    const codes = await this.admitScript()(keys.length, ...keys, now, REFRESH_MS, seriesPerMetric, newSeriesPerMinute, ...args);
    this.remember(seriesIndex, codes, now);
    // One refusal per metric and reason, shared by its samples: a flood of new series is refused
    // without a new message for each.
    const full = new Map<string, Refusal>();
    const rate: Refusal = { reason: 'new_series_rate', error: `more than ${newSeriesPerMinute} new series this minute; send it again later (limits.new_series_per_minute)` };
    samples.forEach((s, i) => {
      if (answers[i]) return;
      const index = seriesIndex.get(s.key);
      if (index === undefined) return; // admitted from this process's record
      const code = codes[index];
      if (code === 2) answers[i] = rate;
      else if (code === 1) {
        let refusal = full.get(s.name);
        if (!refusal) full.set(s.name, (refusal = { reason: 'series_limit', error: `${s.name} already has ${seriesPerMetric} series; a new label set is refused (limits.series_per_metric)` }));
        answers[i] = refusal;
      }
    });
    return answers;
  }

  /**
   * Records what the script admitted as of now. Redis's stamp of a series another process stamped
   * lately may be up to a refresh interval older, so a series is stamped in Redis at least every
   * two intervals: still far inside any retention that forgets silent series.
   */
  private remember(seriesIndex: Map<string, number>, codes: number[], now: number): void {
    if (this.admitted.size >= ADMITTED_LIMIT) {
      for (const [key, stamped] of this.admitted) if (now - stamped >= REFRESH_MS) this.admitted.delete(key);
      if (this.admitted.size >= ADMITTED_LIMIT) this.admitted.clear();
    }
    for (const [key, index] of seriesIndex) if (codes[index] === 0) this.admitted.set(key, now);
  }

  /** Forgets series not seen since before `olderThan` (ms), freeing their place; returns how many. */
  async forgetSilent(olderThan: number): Promise<number> {
    for (const [key, stamped] of this.admitted) if (stamped < olderThan) this.admitted.delete(key);
    let cursor = '0';
    let removed = 0;
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.knownSeries('*'), 'COUNT', 500);
      cursor = next;
      for (const key of found) removed += await this.redis.zremrangebyscore(key, '-inf', `(${olderThan}`);
    } while (cursor !== '0');
    return removed;
  }
}
