import type { Aggregate } from './ast.ts';
import { labelsKey, projectLabels } from './labels.ts';
import { quantile } from './range-functions.ts';
import { emptySeries, type StepSeries } from './step-values.ts';

interface Group {
  labels: ReturnType<typeof projectLabels>;
  members: StepSeries[];
}

function groupSeries(input: StepSeries[], node: Aggregate): Group[] {
  const groups = new Map<string, Group>();
  for (const s of input) {
    const labels = projectLabels(s.labels, node.grouping, !node.without);
    const key = labelsKey(labels);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, members: [] }));
    group.members.push(s);
  }
  return [...groups.values()];
}

/** sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile by/without, per step. */
export function aggregate(node: Aggregate, input: StepSeries[], count: number, param?: Float64Array): StepSeries[] {
  const out: StepSeries[] = [];
  for (const group of groupSeries(input, node)) {
    if (node.op === 'topk' || node.op === 'bottomk') {
      out.push(...selectK(group.members, count, param!, node.op === 'topk'));
      continue;
    }
    const result = SIMPLE.has(node.op) ? simple(node.op, group.members, group.labels, count) : byStep(node.op, group.members, group.labels, count, param);
    if (result.has.includes(1)) out.push(result);
  }
  return out;
}

const SIMPLE = new Set<Aggregate['op']>(['sum', 'avg', 'count', 'group', 'min', 'max']);

/** Whether `op` folds members one at a time (GroupFold), so they need not all exist at once. */
export function foldsMembers(op: Aggregate['op']): boolean {
  return SIMPLE.has(op);
}

/** One member into a group's running values: `n` counts the members with a value per step. */
function foldMember(op: Aggregate['op'], acc: Float64Array, n: Float64Array, has: Uint8Array, values: Float64Array): void {
  const count = acc.length;
  if (op === 'sum' || op === 'avg') {
    // The usual case (sum by …) in a loop of its own, without the op tests of the general one.
    for (let i = 0; i < count; i++) {
      if (!has[i]) continue;
      acc[i] = n[i] === 0 ? values[i]! : acc[i]! + values[i]!;
      n[i]!++;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    if (!has[i]) continue;
    const v = values[i]!;
    if (n[i] === 0) acc[i] = v;
    // As Prometheus: a NaN gives way to any number.
    else if (op === 'min') acc[i] = v < acc[i]! || Number.isNaN(acc[i]!) ? v : acc[i]!;
    else if (op === 'max') acc[i] = v > acc[i]! || Number.isNaN(acc[i]!) ? v : acc[i]!;
    n[i]!++;
  }
}

function finishGroup(op: Aggregate['op'], result: StepSeries, n: Float64Array): void {
  const acc = result.values;
  for (let i = 0; i < acc.length; i++) {
    if (n[i] === 0) continue;
    result.has[i] = 1;
    if (op === 'avg') acc[i] = acc[i]! / n[i]!;
    else if (op === 'count') acc[i] = n[i]!;
    else if (op === 'group') acc[i] = 1;
  }
}

/** The aggregations that fold series one at a time, member by member over all steps: no per-step lists. */
function simple(op: Aggregate['op'], members: StepSeries[], labels: StepSeries['labels'], count: number): StepSeries {
  const result = emptySeries(labels, count);
  const n = new Float64Array(count);
  for (const m of members) foldMember(op, result.values, n, m.has, m.values);
  finishGroup(op, result, n);
  return result;
}

/**
 * `aggregate` of a foldsMembers op, fed one input series at a time as it is computed: a range
 * function's 512 series need not be kept (nor allocated each) just to be summed by mode. Series
 * must come in the order `aggregate` would see them; the answer is the same, groups in the same order.
 */
export class GroupFold {
  private readonly groups = new Map<string, { result: StepSeries; n: Float64Array }>();

  constructor(
    private readonly node: Aggregate,
    private readonly count: number,
  ) {}

  add(labels: StepSeries['labels'], has: Uint8Array, values: Float64Array): void {
    const projected = projectLabels(labels, this.node.grouping, !this.node.without);
    const key = labelsKey(projected);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { result: emptySeries(projected, this.count), n: new Float64Array(this.count) }));
    foldMember(this.node.op, group.result.values, group.n, has, values);
  }

  finish(): StepSeries[] {
    const out: StepSeries[] = [];
    for (const { result, n } of this.groups.values()) {
      finishGroup(this.node.op, result, n);
      if (result.has.includes(1)) out.push(result);
    }
    return out;
  }
}

function byStep(op: Aggregate['op'], members: StepSeries[], labels: StepSeries['labels'], count: number, param: Float64Array | undefined): StepSeries {
  const result = emptySeries(labels, count);
  for (let i = 0; i < count; i++) {
    const present: number[] = [];
    for (const m of members) if (m.has[i]) present.push(m.values[i]!);
    if (present.length === 0) continue;
    result.has[i] = 1;
    result.values[i] = combine(op, present, param?.[i] ?? NaN);
  }
  return result;
}

function combine(op: Aggregate['op'], values: number[], param: number): number {
  switch (op) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'count':
      return values.length;
    case 'group':
      return 1;
    // As Prometheus: a NaN gives way to any number.
    case 'min':
      return values.reduce((a, b) => (b < a || Number.isNaN(a) ? b : a));
    case 'max':
      return values.reduce((a, b) => (b > a || Number.isNaN(a) ? b : a));
    case 'stdvar':
    case 'stddev': {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      return op === 'stddev' ? Math.sqrt(variance) : variance;
    }
    case 'quantile':
      return quantile(param, values);
    default:
      throw new Error(`unhandled aggregation ${op}`);
  }
}

/** topk/bottomk keep the chosen series themselves, labels and all, at the steps they are chosen. */
function selectK(members: StepSeries[], count: number, k: Float64Array, top: boolean): StepSeries[] {
  const picked = members.map((m) => emptySeries(m.labels, count));
  for (let i = 0; i < count; i++) {
    const want = Math.floor(k[i]!);
    if (!(want >= 1)) continue;
    const present: number[] = [];
    for (let j = 0; j < members.length; j++) if (members[j]!.has[i]) present.push(j);
    // NaN sorts last whichever way, as in Prometheus.
    present.sort((a, b) => {
      const x = members[a]!.values[i]!;
      const y = members[b]!.values[i]!;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return top ? y - x : x - y;
    });
    for (const j of present.slice(0, want)) {
      picked[j]!.has[i] = 1;
      picked[j]!.values[i] = members[j]!.values[i]!;
    }
  }
  return picked.filter((s) => s.has.includes(1));
}
