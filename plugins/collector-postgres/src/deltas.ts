/**
 * Differences between two readings of monotonic counters.
 *
 * Kept in memory on purpose: this collector has no Redis of its own. Each reading carries the
 * server's clock, so a delta is always divided by the real time between the two readings this
 * instance took. When several workers share the postgres collector, a worker's first tick after
 * others ran spans a longer window: its rates are then the true averages over that longer window
 * (smoother, never wrong in magnitude), and a worker's very first tick only records a baseline.
 */
export class CounterDeltas<K extends string> {
  private previous?: { at: number; epoch: string; values: Record<K, number> };

  /**
   * Records a reading and returns the change since the previous one, or null when there is no
   * usable baseline: the first reading, a statistics reset (`epoch` changed) or a clock step back.
   */
  advance(at: number, epoch: string, values: Record<K, number>): { seconds: number; delta: Record<K, number | null> } | null {
    const previous = this.previous;
    this.previous = { at, epoch, values };
    if (!previous || previous.epoch !== epoch || at <= previous.at) return null;
    const delta = {} as Record<K, number | null>;
    for (const key of Object.keys(values) as K[]) {
      const d = values[key] - previous.values[key];
      // A counter that went down was reset (or its entries evicted): that key has no delta this time.
      delta[key] = Number.isFinite(d) && d >= 0 ? d : null;
    }
    return { seconds: (at - previous.at) / 1000, delta };
  }
}
