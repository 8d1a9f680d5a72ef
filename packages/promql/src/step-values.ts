import type { Labels } from '@vigia/core';

/** One series over the evaluation steps: a value where `has` is 1. */
export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  has: Uint8Array;
}

export type StepValue = { kind: 'vector'; series: StepSeries[] } | { kind: 'scalar'; values: Float64Array } | { kind: 'string'; value: string } | { kind: 'matrix'; series: RawSeries[] };

/** Stored samples of one series, oldest first. */
export interface RawSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** The evaluation grid: `count` steps from `start`, `step` ms apart. */
export interface Steps {
  start: number;
  end: number;
  step: number;
  count: number;
  at(i: number): number;
}

export function makeSteps(start: number, end: number, step: number): Steps {
  const count = Math.floor((end - start) / step) + 1;
  return { start, end, step, count, at: (i) => start + i * step };
}

export function emptySeries(labels: Labels, count: number): StepSeries {
  return { labels, values: new Float64Array(count), has: new Uint8Array(count) };
}

// Prometheus marks a series gone with this NaN bit pattern (value.StaleNaN).
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
export function isStale(v: number): boolean {
  if (v === v) return false;
  bits[0] = v;
  return words[1] === 0x7ff00000 && words[0] === 2;
}
