import type { Labels } from '@vigia/core';
import type { Call, Expr, MatrixSelector, VectorSelector } from './ast.ts';
import { aggregate, foldsMembers, GroupFold } from './aggregate.ts';
import { scalarScalar, setOperation, vectorScalar, vectorVector } from './binary.ts';
import { SET_OPS } from './ast.ts';
import { PromqlError } from './errors.ts';
import { COUNTER_FUNCTIONS } from './function-catalog.ts';
import { histogramQuantile } from './histogram.ts';
import { ELEMENTWISE, absent, elementwise, labelJoin, labelReplace } from './instant-functions.ts';
import { NAME, withoutName } from './labels.ts';
import { RANGE_FUNCTIONS, type RangeFunction } from './range-functions.ts';
import type { SampleSource } from './source.ts';
import { emptySeries, isStale, type RawSeries, type StepSeries, type StepValue, type Steps } from './step-values.ts';

export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface EvalOptions {
  lookbackMs?: number;
}

/** Evaluates a parsed expression at every step, reading the selectors' samples from `source`. */
export function evaluate(expr: Expr, source: SampleSource, steps: Steps, options: EvalOptions = {}): Promise<StepValue> {
  return new Evaluator(source, steps, options.lookbackMs ?? DEFAULT_LOOKBACK_MS).eval(expr);
}

class Evaluator {
  constructor(
    private readonly source: SampleSource,
    private readonly steps: Steps,
    private readonly lookback: number,
  ) {}

  private atTime(sel: VectorSelector, i: number): number {
    if (sel.at === undefined) return this.steps.at(i);
    if (sel.at === 'start') return this.steps.start;
    if (sel.at === 'end') return this.steps.end;
    return sel.at;
  }

  /** Samples of the selector's series from `before` ms ahead of its first read time to its last. */
  private async read(sel: VectorSelector, before: number, counter: boolean): Promise<RawSeries[]> {
    const first = this.atTime(sel, 0) - sel.offset;
    const last = this.atTime(sel, this.steps.count - 1) - sel.offset;
    return this.source.select(sel.matchers, Math.min(first, last) - before, Math.max(first, last), { counter });
  }

  async eval(expr: Expr): Promise<StepValue> {
    const n = this.steps.count;
    switch (expr.type) {
      case 'number':
        return { kind: 'scalar', values: new Float64Array(n).fill(expr.value) };
      case 'string':
        return { kind: 'string', value: expr.value };
      case 'selector':
        return { kind: 'vector', series: await this.instantSelector(expr) };
      case 'matrix':
        return { kind: 'matrix', series: await this.rawRange(expr) };
      case 'unary': {
        const inner = await this.eval(expr.expr);
        if (inner.kind === 'scalar') return { kind: 'scalar', values: inner.values.map((v) => -v) };
        const series = this.vector(inner).map((s) => ({ labels: withoutName(s.labels), has: s.has, values: s.values.map((v) => -v) }));
        return { kind: 'vector', series };
      }
      case 'aggregate': {
        const inner = expr.expr;
        if (!expr.param && foldsMembers(expr.op) && inner.type === 'call' && RANGE_FUNCTIONS[inner.func] && inner.args.length === 1) {
          // sum by (mode) (rate(…)): each series' rates folded into its group as computed.
          const fold = new GroupFold(expr, n);
          await this.rangeFunction(inner.func, inner.args[0] as MatrixSelector, undefined, fold);
          return { kind: 'vector', series: fold.finish() };
        }
        const param = expr.param ? this.scalar(await this.eval(expr.param)) : undefined;
        return { kind: 'vector', series: aggregate(expr, this.vector(await this.eval(expr.expr)), n, param) };
      }
      case 'binary': {
        const [l, r] = await Promise.all([this.eval(expr.lhs), this.eval(expr.rhs)]);
        if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', values: scalarScalar(expr, l.values, r.values) };
        if (l.kind === 'scalar') return { kind: 'vector', series: vectorScalar(expr, this.vector(r), l.values, true) };
        if (r.kind === 'scalar') return { kind: 'vector', series: vectorScalar(expr, this.vector(l), r.values, false) };
        if (SET_OPS.has(expr.op)) return { kind: 'vector', series: setOperation(expr, this.vector(l), this.vector(r), n) };
        return { kind: 'vector', series: vectorVector(expr, this.vector(l), this.vector(r), n) };
      }
      case 'call':
        return this.call(expr);
    }
  }

  private vector(value: StepValue): StepSeries[] {
    if (value.kind !== 'vector') throw new PromqlError(`expected an instant vector, got ${value.kind}`, 'execution');
    return value.series;
  }

  private scalar(value: StepValue): Float64Array {
    if (value.kind !== 'scalar') throw new PromqlError(`expected a scalar, got ${value.kind}`, 'execution');
    return value.values;
  }

  private string(value: StepValue): string {
    if (value.kind !== 'string') throw new PromqlError(`expected a string, got ${value.kind}`, 'execution');
    return value.value;
  }

  private async instantSelector(sel: VectorSelector): Promise<StepSeries[]> {
    const raw = await this.read(sel, this.lookback, false);
    const n = this.steps.count;
    const out: StepSeries[] = [];
    for (const { labels, t, v } of raw) {
      const result = emptySeries(labels, n);
      let p = 0;
      for (let i = 0; i < n; i++) {
        const ref = this.atTime(sel, i) - sel.offset;
        if (sel.at !== undefined) p = 0;
        while (p < t.length && t[p]! <= ref) p++;
        const j = p - 1;
        if (j < 0 || t[j]! < ref - this.lookback || isStale(v[j]!)) continue;
        result.has[i] = 1;
        result.values[i] = v[j]!;
      }
      if (result.has.includes(1)) out.push(result);
    }
    return out;
  }

  /** A range selector at the top of an instant query: the raw samples in its window. */
  private async rawRange(m: MatrixSelector): Promise<RawSeries[]> {
    if (this.steps.count !== 1) throw new PromqlError('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
    const raw = await this.read(m.selector, m.range, false);
    return raw.map(withoutStale).filter((s) => s.t.length > 0);
  }

  private async call(call: Call): Promise<StepValue> {
    const n = this.steps.count;
    const range = RANGE_FUNCTIONS[call.func];
    if (range) {
      const matrixArg = call.args[call.args.length - 1] as MatrixSelector;
      const param = call.args.length > 1 ? this.scalar(await this.eval(call.args[0]!)) : undefined;
      return { kind: 'vector', series: await this.rangeFunction(call.func, matrixArg, param) };
    }
    switch (call.func) {
      case 'time':
        return { kind: 'scalar', values: Float64Array.from({ length: n }, (_, i) => this.steps.at(i) / 1000) };
      case 'vector': {
        const values = this.scalar(await this.eval(call.args[0]!));
        return { kind: 'vector', series: [{ labels: {}, values, has: new Uint8Array(n).fill(1) }] };
      }
      case 'scalar': {
        const input = this.vector(await this.eval(call.args[0]!));
        const values = new Float64Array(n).fill(NaN);
        for (let i = 0; i < n; i++) {
          const present = input.filter((s) => s.has[i]);
          if (present.length === 1) values[i] = present[0]!.values[i]!;
        }
        return { kind: 'scalar', values };
      }
      case 'histogram_quantile': {
        const q = this.scalar(await this.eval(call.args[0]!));
        return { kind: 'vector', series: histogramQuantile(q, this.vector(await this.eval(call.args[1]!)), n) };
      }
      case 'label_replace': {
        const [v, ...rest] = await Promise.all(call.args.map((a) => this.eval(a)));
        const [dst, replacement, src, regex] = rest.map((r) => this.string(r));
        return { kind: 'vector', series: labelReplace(this.vector(v!), dst!, replacement!, src!, regex!) };
      }
      case 'label_join': {
        const [v, ...rest] = await Promise.all(call.args.map((a) => this.eval(a)));
        const [dst, separator, ...sources] = rest.map((r) => this.string(r));
        return { kind: 'vector', series: labelJoin(this.vector(v!), dst!, separator!, sources) };
      }
      case 'absent': {
        const arg = call.args[0]!;
        const labels: Labels = {};
        if (arg.type === 'selector') for (const m of arg.matchers) if (m.type === '=' && m.name !== NAME) labels[m.name] = m.value;
        return { kind: 'vector', series: absent(this.vector(await this.eval(arg)), labels, n) };
      }
      case 'sort':
      case 'sort_desc': {
        const input = this.vector(await this.eval(call.args[0]!));
        const sign = call.func === 'sort' ? 1 : -1;
        // Only an instant query's order means anything; a range query's series come as they are.
        return { kind: 'vector', series: n === 1 ? [...input].sort((a, b) => sign * (a.values[0]! - b.values[0]!)) : input };
      }
    }
    if (ELEMENTWISE.has(call.func)) {
      const input = this.vector(await this.eval(call.args[0]!));
      const args = await Promise.all(call.args.slice(1).map(async (a) => this.scalar(await this.eval(a))));
      return { kind: 'vector', series: elementwise(call.func, input, args) };
    }
    throw new PromqlError(`function "${call.func}" is not supported by Vigia`);
  }

  /** The function's series, or (with `fold`) nothing: each series goes into the fold instead, through one reused buffer. */
  private async rangeFunction(func: string, m: MatrixSelector, param: Float64Array | undefined, fold?: GroupFold): Promise<StepSeries[]> {
    const fn = RANGE_FUNCTIONS[func]!;
    const sel = m.selector;
    const raw = await this.read(sel, m.range, COUNTER_FUNCTIONS.has(func));
    const n = this.steps.count;
    const keepName = func === 'last_over_time';
    const out: StepSeries[] = [];
    // Each step's window end, computed once for all series rather than per series and step.
    const ends = new Float64Array(n);
    for (let i = 0; i < n; i++) ends[i] = this.atTime(sel, i) - sel.offset;
    const params = param ?? new Float64Array(n).fill(NaN);
    const range = m.range;
    // With @ every step looks at the same window: each step's scan starts over.
    const restart = sel.at !== undefined;
    const scratch = fold && emptySeries({}, n);
    for (const series of raw) {
      const { t, v } = withoutStale(series);
      const labels = keepName ? series.labels : withoutName(series.labels);
      if (scratch) {
        scratch.has.fill(0);
        if (slideWindows(fn, t, v, ends, range, params, restart, scratch.has, scratch.values)) fold.add(labels, scratch.has, scratch.values);
        continue;
      }
      const result = emptySeries(labels, n);
      if (slideWindows(fn, t, v, ends, range, params, restart, result.has, result.values)) out.push(result);
    }
    return out;
  }
}

/**
 * One series' range function at every step, its window [end - range, end] slid along the sorted
 * samples (each sample passed over once per edge). A plain function, not a method of the async
 * evaluator, so V8 optimizes this loop on its own. Returns whether any step has a value.
 */
function slideWindows(fn: RangeFunction, t: Float64Array, v: Float64Array, ends: Float64Array, range: number, params: Float64Array, restart: boolean, has: Uint8Array, values: Float64Array): boolean {
  const last = t.length - 1;
  let lo = 0;
  let hi = -1;
  let any = false;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    const start = end - range;
    if (restart) {
      lo = 0;
      hi = -1;
    }
    while (hi < last && t[hi + 1]! <= end) hi++;
    while (lo <= last && t[lo]! < start) lo++;
    if (lo > hi) continue;
    const value = fn(t, v, lo, hi, start, end, params[i]!);
    if (value === undefined) continue;
    has[i] = 1;
    values[i] = value;
    any = true;
  }
  return any;
}

function withoutStale(series: RawSeries): RawSeries {
  let stale = 0;
  const values = series.v;
  // Every sample of every series each query (3 million for a day of 512): the NaN test inline,
  // the bit test only for NaNs.
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x !== x && isStale(x)) stale++;
  }
  if (stale === 0) return series;
  const t = new Float64Array(series.t.length - stale);
  const v = new Float64Array(t.length);
  let k = 0;
  for (let i = 0; i < series.v.length; i++) {
    if (isStale(series.v[i]!)) continue;
    t[k] = series.t[i]!;
    v[k++] = series.v[i]!;
  }
  return { labels: series.labels, t, v };
}
