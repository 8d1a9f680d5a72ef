import type { Labels } from '@vigia/core';
import { PromqlError } from './errors.ts';
import { withoutName } from './labels.ts';
import { anchored } from './parse.ts';
import { emptySeries, type StepSeries } from './step-values.ts';

const MATH: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: Math.sign,
};

export const ELEMENTWISE = new Set([...Object.keys(MATH), 'round', 'clamp', 'clamp_min', 'clamp_max']);

/** A function of each value (and per-step scalar arguments); the metric name goes, as in Prometheus. */
export function elementwise(func: string, input: StepSeries[], args: Float64Array[]): StepSeries[] {
  const f = MATH[func];
  const apply = (v: number, i: number): number => {
    if (f) return f(v);
    switch (func) {
      case 'round': {
        const to = args[0]?.[i] ?? 1;
        // Go's math.Floor(v*inverse+0.5)/inverse: halves round up.
        const inverse = 1 / to;
        return Math.floor(v * inverse + 0.5) / inverse;
      }
      case 'clamp': {
        const [min, max] = [args[0]![i]!, args[1]![i]!];
        return max < min ? NaN : Math.max(min, Math.min(max, v));
      }
      case 'clamp_min':
        return Math.max(args[0]![i]!, v);
      case 'clamp_max':
        return Math.min(args[0]![i]!, v);
      default:
        throw new PromqlError(`function "${func}" is not supported by Vigia`);
    }
  };
  const out: StepSeries[] = [];
  for (const s of input) {
    const result = emptySeries(withoutName(s.labels), s.values.length);
    for (let i = 0; i < s.values.length; i++) {
      if (!s.has[i]) continue;
      const v = apply(s.values[i]!, i);
      // clamp with max below min leaves the step empty in Prometheus.
      if (func === 'clamp' && Number.isNaN(v) && !Number.isNaN(s.values[i]!)) continue;
      result.has[i] = 1;
      result.values[i] = v;
    }
    out.push(result);
  }
  return out;
}

export function labelReplace(input: StepSeries[], dst: string, replacement: string, src: string, regex: string): StepSeries[] {
  let re: RegExp;
  try {
    re = anchored(regex);
  } catch (error) {
    throw new PromqlError(`invalid regular expression in label_replace(): ${regex}: ${(error as Error).message}`);
  }
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst)) throw new PromqlError(`invalid destination label name in label_replace(): ${dst}`);
  return input.map((s) => {
    const match = re.exec(s.labels[src] ?? '');
    if (!match) return s;
    // Go's $1 / ${name} expansion; JavaScript's $1 / $<name> is close enough once ${n} is rewritten.
    const value = replacement.replace(/\$\{(\w+)\}|\$(\d+)/g, (_, name: string | undefined, n: string | undefined) => {
      if (n !== undefined) return match[Number(n)] ?? '';
      return /^\d+$/.test(name!) ? (match[Number(name)] ?? '') : (match.groups?.[name!] ?? '');
    });
    return { ...s, labels: setLabel(s.labels, dst, value) };
  });
}

export function labelJoin(input: StepSeries[], dst: string, separator: string, sources: string[]): StepSeries[] {
  return input.map((s) => ({ ...s, labels: setLabel(s.labels, dst, sources.map((l) => s.labels[l] ?? '').join(separator)) }));
}

function setLabel(labels: Labels, name: string, value: string): Labels {
  const out = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** absent(v): 1 at the steps where v has no series, labelled by the selector's equality matchers. */
export function absent(input: StepSeries[], labels: Labels, count: number): StepSeries[] {
  const result = emptySeries(labels, count);
  for (let i = 0; i < count; i++) {
    if (input.some((s) => s.has[i])) continue;
    result.has[i] = 1;
    result.values[i] = 1;
  }
  return result.has.includes(1) ? [result] : [];
}
