import type { Labels } from '@vigia/core';
import { COMPARISON_OPS, type Binary, type BinaryOp, type VectorMatching } from './ast.ts';
import { PromqlError } from './errors.ts';
import { labelsKey, projectLabels, withoutName } from './labels.ts';
import { emptySeries, type StepSeries } from './step-values.ts';

/** The operation on two numbers: the value and whether a comparison keeps it. */
export function applyOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+':
      return [l + r, true];
    case '-':
      return [l - r, true];
    case '*':
      return [l * r, true];
    case '/':
      return [l / r, true];
    case '%':
      return [l % r, true];
    case '^':
      return [l ** r, true];
    case 'atan2':
      return [Math.atan2(l, r), true];
    case '==':
      return [l, l === r];
    case '!=':
      return [l, l !== r];
    case '>':
      return [l, l > r];
    case '<':
      return [l, l < r];
    case '>=':
      return [l, l >= r];
    case '<=':
      return [l, l <= r];
    default:
      throw new PromqlError(`operator "${op}" not allowed between scalars`);
  }
}

function dropsName(node: Binary): boolean {
  return !COMPARISON_OPS.has(node.op) || node.returnBool;
}

export function scalarScalar(node: Binary, l: Float64Array, r: Float64Array): Float64Array {
  const out = new Float64Array(l.length);
  for (let i = 0; i < l.length; i++) {
    const [value, keep] = applyOp(node.op, l[i]!, r[i]!);
    out[i] = COMPARISON_OPS.has(node.op) ? (keep ? 1 : 0) : value;
  }
  return out;
}

/** A vector and a scalar, either side; comparisons keep the vector's own value. */
export function vectorScalar(node: Binary, vector: StepSeries[], scalar: Float64Array, scalarOnLeft: boolean): StepSeries[] {
  const comparison = COMPARISON_OPS.has(node.op);
  const out: StepSeries[] = [];
  for (const s of vector) {
    const result = emptySeries(dropsName(node) ? withoutName(s.labels) : s.labels, s.values.length);
    for (let i = 0; i < s.values.length; i++) {
      if (!s.has[i]) continue;
      const v = s.values[i]!;
      const [value, keep] = scalarOnLeft ? applyOp(node.op, scalar[i]!, v) : applyOp(node.op, v, scalar[i]!);
      if (node.returnBool) {
        result.has[i] = 1;
        result.values[i] = keep ? 1 : 0;
      } else if (keep) {
        result.has[i] = 1;
        result.values[i] = comparison ? v : value;
      }
    }
    if (result.has.includes(1)) out.push(result);
  }
  return out;
}

function signature(labels: Labels, matching: VectorMatching | undefined): string {
  return labelsKey(matching?.on ? projectLabels(labels, matching.labels, true) : projectLabels(labels, matching?.labels ?? [], false));
}

/** Present series of `side` at step i, by signature. */
function bySignature(side: StepSeries[], sigs: string[], i: number): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let j = 0; j < side.length; j++) {
    if (!side[j]!.has[i]) continue;
    const list = map.get(sigs[j]!);
    if (list) list.push(j);
    else map.set(sigs[j]!, [j]);
  }
  return map;
}

export function setOperation(node: Binary, lhs: StepSeries[], rhs: StepSeries[], count: number): StepSeries[] {
  const ls = lhs.map((s) => signature(s.labels, node.matching));
  const rs = rhs.map((s) => signature(s.labels, node.matching));
  const left = lhs.map((s) => emptySeries(s.labels, count));
  const right = rhs.map((s) => emptySeries(s.labels, count));
  for (let i = 0; i < count; i++) {
    const rightSigs = bySignature(rhs, rs, i);
    const leftSigs = bySignature(lhs, ls, i);
    lhs.forEach((s, j) => {
      if (!s.has[i]) return;
      const matched = rightSigs.has(ls[j]!);
      if (node.op === 'or' || (node.op === 'and' ? matched : !matched)) {
        left[j]!.has[i] = 1;
        left[j]!.values[i] = s.values[i]!;
      }
    });
    if (node.op === 'or') {
      rhs.forEach((s, j) => {
        if (!s.has[i] || leftSigs.has(rs[j]!)) return;
        right[j]!.has[i] = 1;
        right[j]!.values[i] = s.values[i]!;
      });
    }
  }
  return [...left, ...right].filter((s) => s.has.includes(1));
}

/** Arithmetic and comparisons between two vectors, matched one-to-one or with group_left/group_right. */
export function vectorVector(node: Binary, lhs: StepSeries[], rhs: StepSeries[], count: number): StepSeries[] {
  const matching = node.matching ?? { on: false, labels: [], card: 'one-to-one' as const, include: [] };
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhs : lhs;
  const one = swapped ? lhs : rhs;
  const manySigs = many.map((s) => signature(s.labels, matching));
  const oneSigs = one.map((s) => signature(s.labels, matching));
  const outputs = new Map<string, StepSeries>();
  const labelCache = new Map<string, Labels>();
  const comparison = COMPARISON_OPS.has(node.op);

  const resultLabels = (m: number, o: number): Labels => {
    const cacheKey = `${m}:${o}`;
    let labels = labelCache.get(cacheKey);
    if (labels) return labels;
    labels = dropsName(node) ? withoutName(many[m]!.labels) : { ...many[m]!.labels };
    if (matching.card === 'one-to-one') labels = matching.on ? projectLabels(labels, matching.labels, true) : dropLabels(labels, matching.labels);
    for (const name of matching.include) {
      const value = one[o]!.labels[name];
      labels = { ...labels };
      if (value) labels[name] = value;
      else delete labels[name];
    }
    labelCache.set(cacheKey, labels);
    return labels;
  };

  for (let i = 0; i < count; i++) {
    const ones = bySignature(one, oneSigs, i);
    for (const [sig, list] of ones) {
      if (list.length > 1) {
        const side = swapped ? 'left' : 'right';
        throw new PromqlError(
          `found duplicate series for the match group ${sig} on the ${side} hand-side of the operation: many-to-many matching not allowed: matching labels must be unique on one side`,
          'execution',
        );
      }
    }
    const seenOneToOne = new Set<string>();
    for (let m = 0; m < many.length; m++) {
      if (!many[m]!.has[i]) continue;
      const match = ones.get(manySigs[m]!);
      if (!match) continue;
      const o = match[0]!;
      if (matching.card === 'one-to-one') {
        if (seenOneToOne.has(manySigs[m]!)) throw new PromqlError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', 'execution');
        seenOneToOne.add(manySigs[m]!);
      }
      const l = swapped ? one[o]!.values[i]! : many[m]!.values[i]!;
      const r = swapped ? many[m]!.values[i]! : one[o]!.values[i]!;
      const [value, keep] = applyOp(node.op, l, r);
      if (!keep && !node.returnBool) continue;
      const labels = resultLabels(m, o);
      const key = labelsKey(labels);
      let out = outputs.get(key);
      if (!out) outputs.set(key, (out = emptySeries(labels, count)));
      else if (out.has[i]) throw new PromqlError('multiple matches for labels: grouping labels must ensure unique matches', 'execution');
      out.has[i] = 1;
      out.values[i] = node.returnBool ? (keep ? 1 : 0) : comparison ? l : value;
    }
  }
  return [...outputs.values()];
}

function dropLabels(labels: Labels, names: string[]): Labels {
  const out = { ...labels };
  for (const n of names) delete out[n];
  return out;
}
