import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import type { SampleBatch } from './sample-writer.ts';

export interface LiveBatch extends SampleBatch {
  /** Redis stream id: a subscriber that reconnects with it resumes right after this batch. */
  id: string;
}

function parseEntries(entries: [string, string[]][]): LiveBatch[] {
  return entries.map(([id, fields]) => ({ id, ...(JSON.parse(fields[1]!) as SampleBatch) }));
}

/**
 * Follows the live stream with one blocking connection per process and fans batches out to any
 * number of in-process subscribers. Every API process runs one, so clients of any API see every
 * batch whichever worker wrote it.
 */
export class LiveFeed {
  private readonly events = new EventEmitter();
  private running = false;
  private lastId = '$';
  private loop?: Promise<void>;

  constructor(
    private readonly blocking: Redis,
    private readonly keys: RedisKeys,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.events.setMaxListeners(0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.follow();
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const reply = (await this.blocking.xread('COUNT', 500, 'BLOCK', 2_000, 'STREAMS', this.keys.live, this.lastId)) as [string, [string, string[]][]][] | null;
        if (!reply) continue;
        for (const batch of parseEntries(reply[0]![1])) {
          this.lastId = batch.id;
          this.events.emit('batch', batch);
        }
      } catch (error) {
        if (!this.running) break;
        this.onError(error as Error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  subscribe(listener: (batch: LiveBatch) => void): () => void {
    this.events.on('batch', listener);
    return () => this.events.off('batch', listener);
  }

  /** Batches after `id` still held in the live stream (for a subscriber that reconnects). */
  async since(id: string, client: Redis = this.blocking, limit = 5_000): Promise<LiveBatch[]> {
    const entries = (await client.xrange(this.keys.live, `(${id}`, '+', 'COUNT', limit)) as [string, string[]][];
    return parseEntries(entries);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.blocking.disconnect();
    await this.loop;
  }
}
