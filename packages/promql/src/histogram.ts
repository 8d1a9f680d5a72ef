import { labelsKey, withoutName } from './labels.ts';
import { emptySeries, type StepSeries } from './step-values.ts';

interface Bucket {
  upper: number;
  count: number;
}

// Prometheus' bucketQuantile (promql/quantile.go) for classic histograms.
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upper !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else buckets.push({ ...b });
  }
  for (let i = 1; i < buckets.length; i++) if (buckets[i]!.count < buckets[i - 1]!.count) buckets[i]!.count = buckets[i - 1]!.count;
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let start = 0;
  const end = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

/** histogram_quantile(φ, buckets): series grouped by their labels but `le`, per step. */
export function histogramQuantile(q: Float64Array, input: StepSeries[], count: number): StepSeries[] {
  const groups = new Map<string, { out: StepSeries; members: { upper: number; s: StepSeries }[] }>();
  for (const s of input) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const upper = le === '+Inf' ? Infinity : Number(le);
    if (Number.isNaN(upper)) continue;
    const { le: _, ...rest } = withoutName(s.labels);
    const key = labelsKey(rest);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { out: emptySeries(rest, count), members: [] }));
    group.members.push({ upper, s });
  }
  const out: StepSeries[] = [];
  for (const { out: result, members } of groups.values()) {
    for (let i = 0; i < count; i++) {
      const buckets: Bucket[] = [];
      for (const m of members) if (m.s.has[i]) buckets.push({ upper: m.upper, count: m.s.values[i]! });
      if (buckets.length === 0) continue;
      result.has[i] = 1;
      result.values[i] = bucketQuantile(q[i]!, buckets);
    }
    if (result.has.includes(1)) out.push(result);
  }
  return out;
}
