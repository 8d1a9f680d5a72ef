import { BURN_WINDOWS, PAGE_CONDITIONS, TICKET_CONDITIONS, burnRate, conditionStrength, type BurnRates, type BurnWindow } from '@vigia/core';
import type { SloConfig } from '@vigia/config';
import { stepSums, type SqlClient } from '@vigia/db';
import { sliSource } from './slo-status.ts';

const MINUTE = 60_000;
const WINDOW_NAMES = Object.keys(BURN_WINDOWS) as BurnWindow[];
const LONGEST = Math.max(...Object.values(BURN_WINDOWS));

export interface SloBacktestEpisode {
  /** The first minute a condition held. */
  start: number;
  /** The first minute a page condition held (null: a ticket only). */
  pagedAt: number | null;
  /** The first minute nothing held again; null while it still held at the end of the range. */
  end: number | null;
  severity: 'warning' | 'critical';
  /** The highest 1 h burn rate seen during the episode. */
  peakBurn1h: number | null;
}

/**
 * Replays an SLO's alerts over stored history, one evaluation per minute (the rollups'
 * resolution, as the engine reads them): when it would have paged and ticketed. The minutes are
 * read once and the windows slide over running sums, so a month costs two queries.
 */
export async function sloBacktest(sql: SqlClient, slo: SloConfig, from: number, to: number): Promise<{ episodes: SloBacktestEpisode[]; evaluations: number }> {
  const first = Math.floor(from / MINUTE) * MINUTE;
  const last = Math.floor(to / MINUTE) * MINUTE;
  const start = first - LONGEST;
  const n = (last - start) / MINUTE;
  // bad[i], all[i]: bad and all events (or failure sum and sample count) in minute start + i.
  const bad = new Float64Array(n);
  const all = new Float64Array(n);
  const s = sliSource(slo);
  const at = (t: number) => Math.round((t - start) / MINUTE);
  if (s.kind === 'gauge') {
    for (const p of await stepSums(sql, s.metric, s.labels, 'gauge', start, last, MINUTE)) {
      const i = at(p.t);
      if (i < 0 || i >= n) continue;
      // Σ(1 - v/scale) over the minute's samples: the failing share, summed.
      bad[i] = p.n - p.v / s.scale;
      all[i] = p.n;
    }
  } else {
    const [part, total] = await Promise.all([stepSums(sql, s.metric, s.labels, 'counter', start, last, MINUTE), stepSums(sql, s.total!, s.labels, 'counter', start, last, MINUTE)]);
    const partAt = new Map(part.map((p) => [p.t, p.v]));
    for (const p of total) {
      const i = at(p.t);
      if (i < 0 || i >= n) continue;
      const v = partAt.get(p.t) ?? 0;
      bad[i] = s.good ? p.v - v : v;
      all[i] = p.v;
    }
  }
  // Running sums: minutes [a, b) add up to sum[b] - sum[a].
  const badSum = new Float64Array(n + 1);
  const allSum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    badSum[i + 1] = badSum[i]! + bad[i]!;
    allSum[i + 1] = allSum[i]! + all[i]!;
  }

  const episodes: SloBacktestEpisode[] = [];
  let open: SloBacktestEpisode | null = null;
  let evaluations = 0;
  for (let t = first; t <= last; t += MINUTE) {
    evaluations++;
    const end = at(t);
    const rates = Object.fromEntries(
      WINDOW_NAMES.map((w) => {
        const begin = Math.max(0, end - BURN_WINDOWS[w] / MINUTE);
        const events = allSum[end]! - allSum[begin]!;
        return [w, events > 0 ? burnRate(Math.min(1, Math.max(0, (badSum[end]! - badSum[begin]!) / events)), slo.objective) : null];
      }),
    ) as BurnRates;
    const page = (conditionStrength(rates, PAGE_CONDITIONS) ?? 0) > 1;
    const ticket = (conditionStrength(rates, TICKET_CONDITIONS) ?? 0) > 1;
    if (page || ticket) {
      if (!open) episodes.push((open = { start: t, pagedAt: null, end: null, severity: 'warning', peakBurn1h: null }));
      if (page) {
        open.severity = 'critical';
        open.pagedAt ??= t;
      }
      if (rates['1h'] !== null && (open.peakBurn1h === null || rates['1h'] > open.peakBurn1h)) open.peakBurn1h = rates['1h'];
    } else if (open) {
      open.end = t;
      open = null;
    }
  }
  return { episodes, evaluations };
}
