import type { SampleArrays } from '@vigia/db';

interface Entry {
  /** samples with lo ≤ t ≤ hi are all here; later ones (up to `len`) may still be joined by late writes; t[0, len) and v[0, len) are never rewritten in place */
  lo: number;
  hi: number;
  t: Float64Array;
  v: Float64Array;
  len: number;
}

export interface CacheRead {
  /** ms: every stored sample in (after, to] must be read and merged, with `after` inclusive when `inclusive` */
  after: number;
  to: number;
  inclusive: boolean;
}

/**
 * Raw samples of recently queried series, so a dashboard refreshing the same panels reads only
 * what is new since its last refresh. Bounded by a total sample count, least recently used
 * series evicted first.
 */
export class SampleCache {
  private readonly entries = new Map<number, Entry>();
  private size = 0;

  constructor(private readonly maxSamples: number) {}

  get samples(): number {
    return this.size;
  }

  /** What must be read from storage for [from, to] of series `id`: nothing, a head, a tail, or all of it. */
  plan(id: number, from: number, to: number): { head?: CacheRead; tail?: CacheRead } {
    const e = this.entries.get(id);
    if (!e) return { tail: { after: from, to, inclusive: true } };
    const out: { head?: CacheRead; tail?: CacheRead } = {};
    if (from < e.lo) out.head = { after: from, to: e.lo - 1, inclusive: true };
    if (to > e.hi) out.tail = { after: e.hi, to, inclusive: false };
    return out;
  }

  /**
   * Merges what was read and returns the samples in [from, to]. `settled`: samples up to this
   * time are complete in storage; the cache vouches only for those, later ones are read again.
   */
  merge(id: number, from: number, to: number, settled: number, head: SampleArrays | undefined, tail: { after: number; inclusive: boolean; arrays: SampleArrays } | undefined): SampleArrays {
    let e = this.entries.get(id);
    if (!e) {
      e = { lo: from, hi: from - 1, t: new Float64Array(0), v: new Float64Array(0), len: 0 };
      this.entries.set(id, e);
    } else {
      // Most recently used last, so eviction takes from the front.
      this.entries.delete(id);
      this.entries.set(id, e);
    }
    this.size -= e.len;
    // Another query may have merged since this one planned: keep what each read adds, once.
    if (head && head.t.length > 0) this.prepend(e, head);
    if (from < e.lo) e.lo = from;
    if (tail) {
      this.mergeTail(e, tail.inclusive ? tail.after : tail.after + 1e-3, tail.arrays);
      e.hi = Math.min(to, settled);
    }
    this.size += e.len;
    const result = this.slice(e, from, to);
    this.evict(id);
    return result;
  }

  private prepend(e: Entry, all: SampleArrays): void {
    // Only what lies before the entry's own samples (a concurrent read may have prepended them).
    const keep = e.len > 0 ? lowerBound(all.t, all.t.length, e.t[0]!) : all.t.length;
    const head = { t: all.t.subarray(0, keep), v: all.v.subarray(0, keep) };
    const n = head.t.length + e.len;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    t.set(head.t);
    v.set(head.v);
    t.set(e.t.subarray(0, e.len), head.t.length);
    v.set(e.v.subarray(0, e.len), head.t.length);
    e.t = t;
    e.v = v;
    e.len = n;
  }

  /**
   * `read` holds every stored sample from `from` on. Usually the entry's samples from there are
   * its first ones and only newer ones are added; otherwise (a sample arrived late, another query
   * merged in between) the entry is rebuilt in new buffers. Either way no position an earlier
   * answer may still view is overwritten.
   */
  private mergeTail(e: Entry, from: number, read: SampleArrays): void {
    const start = lowerBound(e.t, e.len, from);
    const held = e.len - start;
    let same = read.t.length >= held;
    for (let i = 0; same && i < held; i++) same = read.t[i] === e.t[start + i] && Object.is(read.v[i], e.v[start + i]);
    if (same) {
      this.append(e, { t: read.t.subarray(held), v: read.v.subarray(held) });
      return;
    }
    const t = new Float64Array(start + read.t.length);
    const v = new Float64Array(t.length);
    t.set(e.t.subarray(0, start));
    v.set(e.v.subarray(0, start));
    t.set(read.t, start);
    v.set(read.v, start);
    e.t = t;
    e.v = v;
    e.len = t.length;
  }

  private append(e: Entry, tail: SampleArrays): void {
    const n = e.len + tail.t.length;
    if (n > e.t.length) {
      // A new buffer: answers already handed out keep viewing the old one.
      const capacity = Math.max(n, Math.ceil(e.len * 1.25) + 64);
      const t = new Float64Array(capacity);
      const v = new Float64Array(capacity);
      t.set(e.t.subarray(0, e.len));
      v.set(e.v.subarray(0, e.len));
      e.t = t;
      e.v = v;
    }
    e.t.set(tail.t, e.len);
    e.v.set(tail.v, e.len);
    e.len = n;
  }

  private slice(e: Entry, from: number, to: number): SampleArrays {
    let lo = lowerBound(e.t, e.len, from);
    const hi = lowerBound(e.t, e.len, to + 1);
    if (lo > hi) lo = hi;
    // Views, not copies: filled positions of a buffer are never written again.
    return { t: e.t.subarray(lo, hi), v: e.v.subarray(lo, hi) };
  }

  private evict(keep: number): void {
    for (const [id, e] of this.entries) {
      if (this.size <= this.maxSamples) return;
      if (id === keep) continue;
      this.entries.delete(id);
      this.size -= e.len;
    }
  }
}

/** First index in t[0, len) with t[i] ≥ x. */
function lowerBound(t: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
