/**
 * A robust band from what a value usually is at this time: the median of past values and the
 * median absolute deviation (MAD), so one odd week moves neither. 1.4826 · MAD estimates the
 * standard deviation of normally distributed values, which makes `factor` read like sigmas.
 */
export interface Band {
  median: number;
  /** The spread one factor stands for: 1.4826 · MAD, at least the floor given. */
  spread: number;
  lower: number;
  upper: number;
  /** How many past values it was made from. */
  samples: number;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const MAD_TO_SIGMA = 1.4826;

/**
 * `minSpreadRatio` is a floor on the spread as a share of the median: four weeks that happened
 * to agree to the unit would otherwise make any ordinary wobble an anomaly.
 */
export function robustBand(values: readonly number[], factor: number, minSpreadRatio: number): Band | null {
  const m = median(values);
  if (m === null) return null;
  const mad = median(values.map((v) => Math.abs(v - m)))!;
  const spread = Math.max(MAD_TO_SIGMA * mad, Math.abs(m) * minSpreadRatio, Number.EPSILON);
  return { median: m, spread, lower: m - factor * spread, upper: m + factor * spread, samples: values.length };
}

/** How many spreads the value is from the median: negative below, positive above. */
export function deviation(value: number, band: Band): number {
  return (value - band.median) / band.spread;
}
