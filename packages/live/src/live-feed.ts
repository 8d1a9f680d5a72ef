import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import type { SampleBatch } from './sample-writer.ts';

/** An entry of a Redis stream with its id: a subscriber that reconnects with the id resumes after it. */
export type StreamEvent<T> = T & { id: string };
export type LiveBatch = StreamEvent<SampleBatch>;

function parseEntries<T>(entries: [string, string[]][]): StreamEvent<T>[] {
  return entries.map(([id, fields]) => ({ id, ...(JSON.parse(fields[1]!) as T) }));
}

/**
 * Follows one Redis stream with one blocking connection per process and fans entries out to
 * any number of in-process subscribers. Every API process runs its own, so clients of any API
 * see every entry whichever worker wrote it.
 */
export class StreamFeed<T extends object> {
  private readonly events = new EventEmitter();
  private running = false;
  private lastId = '$';
  private loop?: Promise<void>;
  private wanted?: (payload: Buffer) => boolean;
  private onDemand = false;
  private stopped = false;

  constructor(
    private readonly blocking: Redis,
    private readonly streamKey: string,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.events.setMaxListeners(0);
  }

  /** Follows entries after `from` (a stream id), or only those added from now on. */
  start(from?: string): void {
    if (this.running) return;
    this.running = true;
    if (from !== undefined) this.lastId = from;
    this.loop = this.follow();
  }

  /**
   * Follows the stream only while somebody is subscribed, from the newest entry at the first
   * subscription on. An API process nobody watches would otherwise wake for every batch every
   * collector writes only to skip it; a subscriber that needs what came before asks `since`.
   */
  startOnDemand(): void {
    this.onDemand = true;
    if (this.listening()) this.start();
  }

  private listening(): boolean {
    return this.events.listenerCount('event') > 0;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        // Read as bytes: ioredis would otherwise turn every entry into a string (a remote-write
        // batch is hundreds of kilobytes), even on an API process nobody is subscribed to.
        const reply = (await this.blocking.xreadBuffer('COUNT', 500, 'BLOCK', 2_000, 'STREAMS', this.streamKey, this.lastId)) as [Buffer, [Buffer, Buffer[]][]][] | null;
        if (this.onDemand && !this.listening()) {
          // The last subscriber left: the next one starts a new follow from the newest entry.
          this.running = false;
          this.lastId = '$';
          break;
        }
        if (!reply) continue;
        const entries = reply[0]![1];
        // Nobody listening on this process: follow the stream without decoding it.
        if (!this.listening()) {
          this.lastId = entries[entries.length - 1]![0].toString();
          continue;
        }
        for (const [rawId, fields] of entries) {
          const id = rawId.toString();
          this.lastId = id;
          if (this.wanted && !this.wanted(fields[1]!)) continue;
          this.events.emit('event', { id, ...(JSON.parse(fields[1]!.toString()) as T) });
        }
      } catch (error) {
        if (!this.running) break;
        this.onError(error as Error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Entries whose raw JSON `wanted` turns down are skipped before they are decoded: a follower that
   * needs few of the stream's entries (the evaluation on arrival, a handful of metrics) then pays
   * a byte search for the others instead of a string and a parse. The payload is the entry's
   * UTF-8 bytes: `includes` of a string on them answers as it would on the text. Applies to every
   * subscriber of this feed.
   */
  only(wanted: (payload: Buffer) => boolean): this {
    this.wanted = wanted;
    return this;
  }

  subscribe(listener: (event: StreamEvent<T>) => void): () => void {
    this.events.on('event', listener);
    if (this.onDemand && !this.running && !this.stopped) this.start();
    return () => this.events.off('event', listener);
  }

  /** The id of the newest entry in the stream ('0-0' when empty): a start point that misses nothing added later. */
  async newestId(client: Redis): Promise<string> {
    const [newest] = (await client.xrevrange(this.streamKey, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return newest?.[0] ?? '0-0';
  }

  /** Entries after `id` still held in the stream (for a subscriber that reconnects). */
  async since(id: string, client: Redis, limit = 5_000): Promise<StreamEvent<T>[]> {
    const entries = (await client.xrange(this.streamKey, `(${id}`, '+', 'COUNT', limit)) as [string, string[]][];
    return parseEntries<T>(entries);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.blocking.disconnect();
    await this.loop;
  }
}

export class LiveFeed extends StreamFeed<SampleBatch> {
  constructor(blocking: Redis, keys: RedisKeys, onError?: (error: Error) => void) {
    super(blocking, keys.live, onError);
  }
}

/** Orders Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
