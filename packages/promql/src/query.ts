import type { Labels } from '@vigia/core';
import { evaluate, type EvalOptions } from './evaluate.ts';
import { PromqlError } from './errors.ts';
import { formatTime, formatValue } from './format.ts';
import { labelsKey } from './labels.ts';
import { parsePromql, typeOf } from './parse.ts';
import type { SampleSource } from './source.ts';
import { makeSteps, type StepSeries } from './step-values.ts';

export type SamplePair = [number, string];

export type InstantResult =
  | { resultType: 'vector'; result: { metric: Labels; value: SamplePair }[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair }
  | { resultType: 'matrix'; result: { metric: Labels; values: SamplePair[] }[] };

export interface RangeResult {
  resultType: 'matrix';
  result: { metric: Labels; values: SamplePair[] }[];
}

/** Prometheus refuses range queries with more points than this per series. */
export const MAX_POINTS = 11_000;

/** Series with the same labels become one; two values at one step are Prometheus' duplicate error. */
function mergeDuplicates(series: StepSeries[]): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  for (const s of series) {
    const key = labelsKey(s.labels);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, s);
      continue;
    }
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      if (seen.has[i]) throw new PromqlError('vector cannot contain metrics with the same labelset', 'execution');
      seen.has[i] = 1;
      seen.values[i] = s.values[i]!;
    }
  }
  return [...byKey.values()];
}

export async function instantQuery(query: string, time: number, source: SampleSource, options?: EvalOptions): Promise<InstantResult> {
  const expr = parsePromql(query);
  const value = await evaluate(expr, source, makeSteps(time, time, 1), options);
  const t = formatTime(time);
  switch (value.kind) {
    case 'scalar':
      return { resultType: 'scalar', result: [t, formatValue(value.values[0]!)] };
    case 'string':
      return { resultType: 'string', result: [t, value.value] };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({ metric: s.labels, values: Array.from(s.t, (ts, i): SamplePair => [formatTime(ts), formatValue(s.v[i]!)]) })),
      };
    case 'vector':
      return { resultType: 'vector', result: mergeDuplicates(value.series).map((s) => ({ metric: s.labels, value: [t, formatValue(s.values[0]!)] })) };
  }
}

export async function rangeQuery(query: string, start: number, end: number, step: number, source: SampleSource, options?: EvalOptions): Promise<RangeResult> {
  if (end < start) throw new PromqlError('end timestamp must not be before start time');
  if (!(step > 0)) throw new PromqlError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if ((end - start) / step > MAX_POINTS) throw new PromqlError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  const expr = parsePromql(query);
  const type = typeOf(expr);
  if (type !== 'vector' && type !== 'scalar') {
    throw new PromqlError(`invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`);
  }
  const steps = makeSteps(start, end, step);
  const value = await evaluate(expr, source, steps, options);
  const series: StepSeries[] =
    value.kind === 'scalar' ? [{ labels: {}, values: value.values, has: new Uint8Array(steps.count).fill(1) }] : value.kind === 'vector' ? mergeDuplicates(value.series) : [];
  return {
    resultType: 'matrix',
    result: series.map((s) => {
      const values: SamplePair[] = [];
      for (let i = 0; i < steps.count; i++) if (s.has[i]) values.push([formatTime(steps.at(i)), formatValue(s.values[i]!)]);
      return { metric: s.labels, values };
    }),
  };
}
