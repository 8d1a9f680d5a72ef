import { untrack } from 'svelte';
import { errorCode, errorMessage } from '../trpc.ts';

export type QueryStatus = 'loading' | 'ready' | 'error';

/**
 * One read from the API, kept with its state: what a page shows while it waits, when it failed
 * (the server's message, never a stack) and when it has data. A reload keeps the previous data
 * on screen, so refreshing never blanks a page.
 */
export class Query<T> {
  data = $state.raw<T | undefined>(undefined);
  status = $state<QueryStatus>('loading');
  error = $state<string | null>(null);
  /** tRPC code of the last failure (FORBIDDEN, NOT_FOUND…), for pages that explain it. */
  code = $state<string | null>(null);
  loadedAt = $state<number | null>(null);
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly fetcher: () => Promise<T>) {}

  /**
   * Safe to call from an effect: nothing read here subscribes the caller, or the arrival of the
   * data would start the next load, and the next.
   */
  load(): Promise<void> {
    return untrack(() => this.fetch());
  }

  private async fetch(): Promise<void> {
    const id = ++this.request;
    if (this.data === undefined) this.status = 'loading';
    try {
      const data = await this.fetcher();
      if (id !== this.request) return; // a newer load started meanwhile
      this.data = data;
      this.status = 'ready';
      this.error = null;
      this.code = null;
      this.loadedAt = Date.now();
    } catch (error) {
      if (id !== this.request) return;
      this.error = errorMessage(error);
      this.code = errorCode(error) ?? null;
      this.status = 'error';
    }
  }

  /** Coalesces a burst of reasons to reload (ten alert events in a second) into one request. */
  reloadSoon(delayMs = 250): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delayMs);
  }

  /** Loads now and every `everyMs` while the page holds it; returns the release function. */
  poll(everyMs: number): () => void {
    void this.load();
    const timer = setInterval(() => {
      // A hidden tab has nobody to show the answer to.
      if (document.visibilityState === 'visible') void this.load();
    }, everyMs);
    return () => {
      clearInterval(timer);
      clearTimeout(this.timer);
    };
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.request++;
  }
}
