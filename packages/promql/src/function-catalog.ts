import type { ValueType } from './ast.ts';

export interface FunctionSignature {
  args: ValueType[];
  /** how many trailing arguments may be left out */
  optional?: number;
  /** the last argument type repeats (label_join) */
  variadic?: boolean;
  returns: ValueType;
}

const v = 'vector' as const;
const m = 'matrix' as const;
const s = 'scalar' as const;
const str = 'string' as const;
const overTime: FunctionSignature = { args: [m], returns: v };
const elementwise: FunctionSignature = { args: [v], returns: v };

/**
 * The functions Vigia evaluates. Any other PromQL function parses (the grammar knows it) and is
 * answered with an error naming it.
 */
export const FUNCTIONS: Record<string, FunctionSignature> = {
  rate: overTime,
  irate: overTime,
  increase: overTime,
  delta: overTime,
  idelta: overTime,
  resets: overTime,
  changes: overTime,
  deriv: overTime,
  avg_over_time: overTime,
  min_over_time: overTime,
  max_over_time: overTime,
  sum_over_time: overTime,
  count_over_time: overTime,
  last_over_time: overTime,
  present_over_time: overTime,
  stddev_over_time: overTime,
  stdvar_over_time: overTime,
  quantile_over_time: { args: [s, m], returns: v },
  histogram_quantile: { args: [s, v], returns: v },
  abs: elementwise,
  ceil: elementwise,
  floor: elementwise,
  exp: elementwise,
  ln: elementwise,
  log2: elementwise,
  log10: elementwise,
  sqrt: elementwise,
  sgn: elementwise,
  round: { args: [v, s], optional: 1, returns: v },
  clamp: { args: [v, s, s], returns: v },
  clamp_min: { args: [v, s], returns: v },
  clamp_max: { args: [v, s], returns: v },
  scalar: { args: [v], returns: s },
  vector: { args: [s], returns: v },
  time: { args: [], returns: s },
  absent: elementwise,
  sort: elementwise,
  sort_desc: elementwise,
  label_replace: { args: [v, str, str, str, str], returns: v },
  label_join: { args: [v, str, str, str], variadic: true, returns: v },
};

/** Range functions whose input is a counter: over rollups they read each bucket's maximum (its last value). */
export const COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'resets']);
