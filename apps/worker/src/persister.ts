import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { HistoryBatch, HistoryStore } from '@vigia/db';
import type { Logger } from '@vigia/core';
import type { RedisKeys, SampleBatch } from '@vigia/live';

export const PERSIST_GROUP = 'persist';

/** storage.batch_size's default. */
export const DEFAULT_HISTORY_BATCH_SIZE = 200_000;

/** About 10,000 samples: a write this large already spreads its statement and WAL flush thin. */
const DEFAULT_GATHER_BYTES = 1 << 20;
/** Pushed batches further apart than this are not one burst. */
const BURST_PAUSE_MS = 50;

export interface PersisterOptions {
  /** Stream entries read per round (each entry is a whole collection batch). */
  readCount?: number;
  /** The most samples one database write carries (storage.batch_size); larger reads are split. */
  batchSize?: number;
  /** How long to wait for new entries before writing what is buffered. */
  flushIntervalMs: number;
  /** Entries holding at least this much JSON are written without waiting for the flush interval. */
  gatherBytes?: number;
  /** Entries held by a consumer that has been silent this long are taken over (a dead worker). */
  claimIdleMs?: number;
  consumer?: string;
}

type Entry = [id: string, fields: string[]];

/**
 * Moves sample batches from the Redis ingest stream to PostgreSQL history. Entries are
 * acknowledged and deleted only after the database commit, so a worker killed in between leaves
 * them pending; another worker (or this one restarted) claims them and writes them. Each entry
 * goes to history under a ledger id recorded in the same transaction, so an entry written twice
 * is skipped the second time and stored once.
 */
export class Persister {
  private running = false;
  private loop?: Promise<void>;
  private readonly consumer: string;
  private lastClaim = 0;
  private lastWrite = 0;
  /** Batches written since start, for /metrics and tests. */
  written = 0;
  samplesWritten = 0;
  lastError?: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly history: HistoryStore,
    private readonly logger: Logger,
    private readonly options: PersisterOptions,
  ) {
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  private async createGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.keys.ingest, PERSIST_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async start(): Promise<void> {
    await this.createGroup();
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (this.running) {
      try {
        const entries = [...(await this.claimAbandoned()), ...(await this.readNew())];
        if (entries.length > 0) {
          await this.gatherUntilDue(entries);
          await this.persist(entries);
          this.lastWrite = Date.now();
        }
        backoff = 500;
        this.lastError = undefined;
      } catch (error) {
        if (!this.running) break;
        this.lastError = (error as Error).message;
        // Redis came back empty (a restart without persistence): the group must exist again.
        if (this.lastError.includes('NOGROUP')) await this.createGroup().catch(() => {});
        // Entries stay pending in the stream; nothing is lost while PostgreSQL or Redis is away.
        this.logger.warn('history write failed; will retry', { error: this.lastError, retryInMs: backoff });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 10_000);
        await this.retryOwnPending();
      }
    }
  }

  /**
   * Collections arrive one entry each, several in the same second (every collector ticks on the
   * same grid): what else arrives until a flush interval has passed since the last write goes
   * into the same write, one statement and one WAL flush instead of one per collection. A write
   * is never held once the interval has passed, nor when a full read is waiting, nor once what
   * was read is large: pushed or remote-written batches (thousands of samples each) are read as
   * they come until `gatherBytes` are in hand or they pause. Before, a burst of them waited a flush interval
   * between writes and history trailed the API by seconds. Small collections still wait with one
   * timer, not a read each, which an idle worker would pay for every tick.
   */
  private async gatherUntilDue(entries: Entry[]): Promise<void> {
    const readCount = this.options.readCount ?? 200;
    const gatherBytes = this.options.gatherBytes ?? DEFAULT_GATHER_BYTES;
    let bytes = entryBytes(entries);
    const due = this.lastWrite + this.options.flushIntervalMs;
    const more = async (block: number | null) => {
      const count = readCount - entries.length;
      const reply = (
        block === null
          ? await this.redis.xreadgroup('GROUP', PERSIST_GROUP, this.consumer, 'COUNT', count, 'STREAMS', this.keys.ingest, '>')
          : await this.redis.xreadgroup('GROUP', PERSIST_GROUP, this.consumer, 'COUNT', count, 'BLOCK', block, 'STREAMS', this.keys.ingest, '>')
      ) as [string, Entry[]][] | null;
      const read = reply?.[0]?.[1] ?? [];
      entries.push(...read);
      bytes += entryBytes(read);
      return read.length;
    };
    const full = () => entries.length >= readCount || bytes >= gatherBytes || !this.running;
    if (due <= Date.now() || full()) return;
    if (bytes < gatherBytes / 16) {
      await new Promise((r) => setTimeout(r, due - Date.now()));
      await more(null);
      return;
    }
    // While batches keep coming; a pause ends the gathering, so a burst's tail is not held.
    while (!full()) {
      const wait = Math.min(due - Date.now(), BURST_PAUSE_MS);
      if (wait <= 0) return;
      if ((await more(Math.ceil(wait))) === 0) return;
    }
  }

  private async readNew(): Promise<Entry[]> {
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      PERSIST_GROUP,
      this.consumer,
      'COUNT',
      this.options.readCount ?? 200,
      'BLOCK',
      this.options.flushIntervalMs,
      'STREAMS',
      this.keys.ingest,
      '>',
    )) as [string, Entry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Entries of consumers that went quiet (crashed workers), at most once per idle period. */
  private async claimAbandoned(): Promise<Entry[]> {
    const idle = this.options.claimIdleMs ?? 30_000;
    if (Date.now() - this.lastClaim < Math.min(idle, 5_000)) return [];
    this.lastClaim = Date.now();
    const out: Entry[] = [];
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.redis.xautoclaim(this.keys.ingest, PERSIST_GROUP, this.consumer, idle, cursor, 'COUNT', 200)) as [string, Entry[], string[]];
      out.push(...entries.filter((e) => e[1] !== null));
      cursor = next;
    } while (cursor !== '0-0' && out.length < 5_000);
    if (out.length) this.logger.info('took over history batches of a stopped worker', { batches: out.length });
    return out;
  }

  /** After a failure, this consumer's own unacknowledged entries are written again. */
  private async retryOwnPending(): Promise<void> {
    try {
      const reply = (await this.redis.xreadgroup('GROUP', PERSIST_GROUP, this.consumer, 'COUNT', 1000, 'STREAMS', this.keys.ingest, '0')) as [string, Entry[]][] | null;
      const entries = (reply?.[0]?.[1] ?? []).filter((e) => e[1] !== null);
      if (entries.length) await this.persist(entries);
    } catch {
      // still failing: the next round tries again
    }
  }

  /**
   * Writes entries in parts of at most batchSize samples, whole entries where they fit, and
   * acknowledges each part's entries as soon as it is committed: a worker that dies half-way
   * leaves only the unwritten parts pending, and a slow first part does not hold back the ack of
   * work already stored. An entry larger than a part is cut into slices; it is acknowledged with
   * its last one.
   */
  private async persist(entries: Entry[]): Promise<void> {
    const limit = Math.max(1, this.options.batchSize ?? DEFAULT_HISTORY_BATCH_SIZE);
    let part: HistoryBatch[] = [];
    let size = 0;
    let finished: string[] = [];
    const flush = async () => {
      if (part.length === 0 && finished.length === 0) return;
      if (part.length > 0) await this.history.insertBatches(part);
      if (finished.length > 0)
        await this.redis
          .multi()
          .xack(this.keys.ingest, PERSIST_GROUP, ...finished)
          .xdel(this.keys.ingest, ...finished)
          .exec();
      this.written += finished.length;
      this.samplesWritten += size;
      part = [];
      size = 0;
      finished = [];
    };
    for (const [id, fields] of entries) {
      // Stream samples are StoredSamples already, series key included.
      const { samples } = JSON.parse(fields[1]!) as SampleBatch;
      if (samples.length > limit) {
        await flush();
        for (let start = 0; start < samples.length; start += limit) {
          const end = Math.min(start + limit, samples.length);
          part = [{ id: `${this.ledgerId(id, samples)}:${start}-${end}`, samples: samples.slice(start, end) }];
          size = end - start;
          if (end === samples.length) finished = [id];
          await flush();
        }
        continue;
      }
      if (size + samples.length > limit) await flush();
      part.push({ id: this.ledgerId(id, samples), samples });
      size += samples.length;
      finished.push(id);
    }
    await flush();
  }

  /**
   * The entry's name in the history ledger. The stream key keeps installations with other key
   * prefixes apart; the sample count and first timestamp keep a recreated stream (Redis restarted
   * empty, its clock stepped back) from passing a new entry off as one written before.
   */
  private ledgerId(entryId: string, samples: SampleBatch['samples']): string {
    return `${this.keys.ingest}:${entryId}:${samples.length}:${samples[0]?.timestamp ?? ''}`;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** The JSON an entry carries: what a write of it will hold, near enough. */
function entryBytes(entries: Entry[]): number {
  let bytes = 0;
  for (const [, fields] of entries) bytes += fields?.[1]?.length ?? 0;
  return bytes;
}
