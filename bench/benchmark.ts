/** What one benchmark hands back: the figure against its target, plus the raw numbers. */
export interface BenchOutcome {
  /** The target as the issue states it. */
  target: string;
  pass: boolean;
  /** The figure next to the target, in one line: `p99 12.3 ms (target ≤ 50 ms)`. */
  headline: string;
  /** Further lines for the terminal: the other figures a reader needs to judge the headline. */
  details: string[];
  figures: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  /** Rough wall time, so `npm run bench` can say what it is about to spend. */
  expectedSeconds: number;
  run(log: (line: string) => void): Promise<BenchOutcome>;
}
