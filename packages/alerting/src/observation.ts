// Its own module so rule sources (SLO rules) can produce observations without importing the evaluator.
import type { RuleSpec } from '@vigia/core';

export interface Observation {
  rule: RuleSpec;
  seriesKey: string;
  labels: Record<string, string>;
  value: number | null;
  unit?: string;
  /** The alert's words when its rule computes them itself (an SLO's burn rates and budget). */
  summary?: string;
}
