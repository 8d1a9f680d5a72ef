/**
 * Calls `onTick` at every whole multiple of `everyMs` (12:00:05, 12:00:10… for 5 s) with that
 * planned time, so every series of one interval shares its timestamps and rollups line up.
 * Each wait is computed afresh from the clock, so delays never add up into drift; a tick the
 * process was too busy to keep is skipped, never run twice.
 */
export class GridTimer {
  private timer?: NodeJS.Timeout;
  private last = 0;
  private stopped = false;

  constructor(
    private readonly everyMs: number,
    private readonly onTick: (tick: number) => void,
  ) {}

  start(): this {
    this.stopped = false;
    this.schedule();
    return this;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    // A timer may fire a millisecond before the clock reaches its tick: never the same tick again.
    const next = Math.max(Math.floor(now / this.everyMs) * this.everyMs + this.everyMs, this.last + this.everyMs);
    this.timer = setTimeout(() => {
      this.last = next;
      this.schedule();
      this.onTick(next);
    }, next - now);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
