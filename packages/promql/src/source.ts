import type { Matcher } from './ast.ts';
import type { RawSeries } from './step-values.ts';

export interface SelectHints {
  /** Read by a counter function (rate, increase…): over rollups, a bucket's maximum stands for its last value. */
  counter: boolean;
}

/** Where the evaluator reads samples: every series matching all matchers, with its samples in [from, to] (ms). */
export interface SampleSource {
  select(matchers: Matcher[], from: number, to: number, hints: SelectHints): Promise<RawSeries[]>;
}
