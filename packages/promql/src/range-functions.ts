/**
 * A function over the samples of one window: t/v from index lo to hi (inclusive), the window
 * [rangeStart, rangeEnd] in ms. Returns undefined where Prometheus leaves the step empty.
 */
export type RangeFunction = (t: Float64Array, v: Float64Array, lo: number, hi: number, rangeStart: number, rangeEnd: number, param: number) => number | undefined;

// Prometheus' extrapolatedRate (promql/functions.go): the change over the samples in the window,
// extrapolated to the window's edges unless the series starts or ends inside it.
function extrapolated(isCounter: boolean, isRate: boolean): RangeFunction {
  return (t, v, lo, hi, rangeStart, rangeEnd) => {
    const n = hi - lo + 1;
    if (n < 2) return undefined;
    let result = v[hi]! - v[lo]!;
    if (isCounter) {
      let last = 0;
      for (let i = lo; i <= hi; i++) {
        if (v[i]! < last) result += last;
        last = v[i]!;
      }
    }
    let durationToStart = (t[lo]! - rangeStart) / 1000;
    let durationToEnd = (rangeEnd - t[hi]!) / 1000;
    const sampled = (t[hi]! - t[lo]!) / 1000;
    const average = sampled / (n - 1);
    const threshold = average * 1.1;
    let interval = sampled;
    if (durationToStart >= threshold) durationToStart = average / 2;
    if (isCounter && result > 0 && v[lo]! >= 0) {
      const durationToZero = sampled * (v[lo]! / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    interval += durationToStart;
    if (durationToEnd >= threshold) durationToEnd = average / 2;
    interval += durationToEnd;
    let factor = interval / sampled;
    if (isRate) factor /= (rangeEnd - rangeStart) / 1000;
    return result * factor;
  };
}

function instant(isRate: boolean): RangeFunction {
  return (t, v, lo, hi) => {
    if (hi - lo + 1 < 2) return undefined;
    const last = v[hi]!;
    const previous = v[hi - 1]!;
    const result = isRate && last < previous ? last : last - previous;
    const interval = t[hi]! - t[hi - 1]!;
    if (interval === 0) return undefined;
    return isRate ? result / (interval / 1000) : result;
  };
}

function fold(f: (v: Float64Array, lo: number, hi: number) => number): RangeFunction {
  return (_t, v, lo, hi) => (hi < lo ? undefined : f(v, lo, hi));
}

function variance(v: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = lo; i <= hi; i++) {
    count++;
    const delta = v[i]! - mean;
    mean += delta / count;
    m2 += delta * (v[i]! - mean);
  }
  return m2 / count;
}

/** Prometheus' quantile over sorted values: linear interpolation between the closest ranks. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

export const RANGE_FUNCTIONS: Record<string, RangeFunction> = {
  rate: extrapolated(true, true),
  increase: extrapolated(true, false),
  delta: extrapolated(false, false),
  irate: instant(true),
  idelta: instant(false),
  resets: fold((v, lo, hi) => {
    let n = 0;
    for (let i = lo + 1; i <= hi; i++) if (v[i]! < v[i - 1]!) n++;
    return n;
  }),
  changes: fold((v, lo, hi) => {
    let n = 0;
    for (let i = lo + 1; i <= hi; i++) if (v[i] !== v[i - 1] && !(Number.isNaN(v[i]!) && Number.isNaN(v[i - 1]!))) n++;
    return n;
  }),
  deriv: (t, v, lo, hi) => {
    if (hi - lo + 1 < 2) return undefined;
    // Least-squares slope, times relative to the first sample to keep precision.
    const t0 = t[lo]!;
    let n = 0,
      sx = 0,
      sy = 0,
      sxy = 0,
      sxx = 0;
    for (let i = lo; i <= hi; i++) {
      const x = (t[i]! - t0) / 1000;
      n++;
      sx += x;
      sy += v[i]!;
      sxy += x * v[i]!;
      sxx += x * x;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  },
  avg_over_time: fold((v, lo, hi) => {
    let sum = 0;
    for (let i = lo; i <= hi; i++) sum += v[i]!;
    return sum / (hi - lo + 1);
  }),
  sum_over_time: fold((v, lo, hi) => {
    let sum = 0;
    for (let i = lo; i <= hi; i++) sum += v[i]!;
    return sum;
  }),
  min_over_time: fold((v, lo, hi) => {
    let min = v[lo]!;
    for (let i = lo + 1; i <= hi; i++) if (v[i]! < min || Number.isNaN(min)) min = v[i]!;
    return min;
  }),
  max_over_time: fold((v, lo, hi) => {
    let max = v[lo]!;
    for (let i = lo + 1; i <= hi; i++) if (v[i]! > max || Number.isNaN(max)) max = v[i]!;
    return max;
  }),
  count_over_time: fold((_v, lo, hi) => hi - lo + 1),
  last_over_time: fold((v, _lo, hi) => v[hi]!),
  present_over_time: fold(() => 1),
  stdvar_over_time: fold(variance),
  stddev_over_time: fold((v, lo, hi) => Math.sqrt(variance(v, lo, hi))),
  quantile_over_time: (_t, v, lo, hi, _s, _e, q) => (hi < lo ? undefined : quantile(q, Array.from(v.subarray(lo, hi + 1)))),
};
