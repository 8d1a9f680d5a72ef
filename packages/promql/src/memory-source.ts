import type { Labels } from '@vigia/core';
import type { Matcher } from './ast.ts';
import { anchored } from './parse.ts';
import type { SampleSource } from './source.ts';
import type { RawSeries } from './step-values.ts';

export function matches(labels: Labels, matchers: Matcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.type) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return anchored(m.value).test(value);
      case '!~':
        return !anchored(m.value).test(value);
    }
  });
}

/** Series held in memory (labels include __name__): for tests and small embedded uses. */
export class MemorySource implements SampleSource {
  constructor(private readonly series: RawSeries[]) {}

  async select(matchers: Matcher[], from: number, to: number): Promise<RawSeries[]> {
    const out: RawSeries[] = [];
    for (const s of this.series) {
      if (!matches(s.labels, matchers)) continue;
      let lo = 0;
      while (lo < s.t.length && s.t[lo]! < from) lo++;
      let hi = lo;
      while (hi < s.t.length && s.t[hi]! <= to) hi++;
      if (hi > lo) out.push({ labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) });
    }
    return out;
  }
}
