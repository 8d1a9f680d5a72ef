import type { Redis } from 'ioredis';

interface Watched {
  key: string;
  /** The number last acted on; `undefined` until the first look. */
  seen: string | null | undefined;
  onChange: () => Promise<void>;
}

/**
 * Watches the version numbers the API bumps when something stored in PostgreSQL changes (probes,
 * SLOs), with one MGET a second for all of them: a reader per number each polling on its own was
 * a round trip apiece every second on an idle worker. Polling rather than pub/sub: a message missed
 * while Redis reconnects would leave a worker stale until restart, a number read again never is.
 */
export class VersionWatch {
  private readonly watched: Watched[] = [];
  private timer?: NodeJS.Timeout;
  private busy: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly onError: (error: Error) => void,
    private readonly pollMs = 1_000,
  ) {}

  /**
   * Runs `onChange` now, before this returns, and again whenever the number at `key` moves. An
   * `onChange` that throws is tried again at the next look: the change counts as seen only once
   * it was acted on.
   */
  async watch(key: string, onChange: () => Promise<void>): Promise<void> {
    const entry: Watched = { key, seen: undefined, onChange };
    this.watched.push(entry);
    await this.run(() => this.look([entry]));
    if (!this.timer && !this.stopped) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.run(() => this.look(this.watched)).finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.pollMs);
  }

  /** One look at a time, so a number is never acted on twice at once. */
  private run(look: () => Promise<void>): Promise<void> {
    this.busy = this.busy.then(look);
    return this.busy;
  }

  private async look(entries: Watched[]): Promise<void> {
    let versions: (string | null)[];
    try {
      versions = await this.redis.mget(entries.map((e) => e.key));
    } catch (error) {
      this.onError(error as Error);
      return;
    }
    for (const [i, entry] of entries.entries()) {
      if (versions[i] === entry.seen) continue;
      try {
        await entry.onChange();
        entry.seen = versions[i];
      } catch {
        // Its owner said what went wrong; the next look tries again.
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
  }
}
