import { BURN_WINDOWS, PAGE_CONDITIONS, TICKET_CONDITIONS, burnRate, conditionStrength, errorBudget, type BurnRates, type BurnWindow, type ErrorBudget } from '@vigia/core';
import type { SloConfig } from '@vigia/config';
import { stepSums, windowSums, type SeriesKind, type SqlClient } from '@vigia/db';

/** An SLI as the two things it reads: a counter pair (errors or good, and total), or a success ratio. */
interface SliSource {
  kind: SeriesKind;
  /** counter: the bad-event (or good-event) counter; gauge: the success ratio metric. */
  metric: string;
  total?: string;
  /** counter: `metric` counts good events, so errors are total - good. */
  good?: boolean;
  /** gauge: the ratio is 0-100 rather than 0-1. */
  scale: number;
  labels?: Record<string, string>;
}

export function sliSource(slo: SloConfig): SliSource {
  const { sli, labels } = slo;
  if ('errors' in sli) return { kind: 'counter', metric: sli.errors, total: sli.total, scale: 1, labels };
  if ('good' in sli) return { kind: 'counter', metric: sli.good, total: sli.total, good: true, scale: 1, labels };
  if ('ratio' in sli) return { kind: 'gauge', metric: sli.ratio, scale: sli.percent ? 100 : 1, labels };
  return { kind: 'gauge', metric: 'probe_success', scale: 1, labels: { ...labels, probe: sli.probe } };
}

/** The metrics an SLI reads, to warn at start about one nobody emits. */
export function sliMetrics(slo: SloConfig): string[] {
  const s = sliSource(slo);
  return s.total ? [s.metric, s.total] : [s.metric];
}

export type SloLevel = 'page' | 'ticket' | 'ok' | 'no_data';

export interface SloStatus {
  name: string;
  objective: number;
  windowMs: number;
  /** The error ratio over the whole SLO window, 0-1 (null without data). */
  errorRatio: number | null;
  burnRates: BurnRates;
  budget: ErrorBudget | null;
  /** How far past its factor the strongest page / ticket condition is (> 1 holds). */
  page: number | null;
  ticket: number | null;
  level: SloLevel;
  at: number;
}

const WINDOW_NAMES = Object.keys(BURN_WINDOWS) as BurnWindow[];

/** Error ratios (0-1) of the SLI over each window ending at `now`, null where there is no data. */
async function errorRatios(sql: SqlClient, slo: SloConfig, now: number, windowsMs: number[]): Promise<(number | null)[]> {
  const s = sliSource(slo);
  if (s.kind === 'gauge') {
    const means = await windowSums(sql, s.metric, s.labels, 'gauge', now, windowsMs);
    return means.map((m) => (m.value === null ? null : clamp01(1 - m.value / s.scale)));
  }
  const [part, total] = await Promise.all([windowSums(sql, s.metric, s.labels, 'counter', now, windowsMs), windowSums(sql, s.total!, s.labels, 'counter', now, windowsMs)]);
  return total.map((t, i) => {
    // A counter nobody reports in the window is no data, not zero errors: it is most likely misnamed.
    if (t.value === null || t.value <= 0 || part[i]!.value === null) return null;
    const p = part[i]!.value!;
    return clamp01((s.good ? t.value - p : p) / t.value);
  });
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Burn rates per window, the budget over the SLO window, and which alert level holds, at `now`.
 * `knownWindowRatio`: the error ratio over the whole SLO window as read a little earlier; reading
 * a month of minutes is most of the cost, and the budget moves slowly (the alerts use the burn
 * windows, read afresh).
 */
export async function readSloStatus(sql: SqlClient, slo: SloConfig, now: number, knownWindowRatio?: number | null): Promise<SloStatus> {
  const windows = WINDOW_NAMES.map((w) => BURN_WINDOWS[w]);
  if (knownWindowRatio === undefined) windows.push(slo.window);
  const ratios = await errorRatios(sql, slo, now, windows);
  const burnRates = Object.fromEntries(WINDOW_NAMES.map((w, i) => [w, burnRate(ratios[i]!, slo.objective)])) as BurnRates;
  const errorRatio = knownWindowRatio === undefined ? ratios[ratios.length - 1]! : knownWindowRatio;
  const budget = errorRatio === null ? null : errorBudget(errorRatio, slo.objective, slo.window, burnRates['1h']);
  const page = conditionStrength(burnRates, PAGE_CONDITIONS);
  const ticket = conditionStrength(burnRates, TICKET_CONDITIONS);
  const level: SloLevel = errorRatio === null ? 'no_data' : (page ?? 0) > 1 ? 'page' : (ticket ?? 0) > 1 ? 'ticket' : 'ok';
  return { name: slo.name, objective: slo.objective, windowMs: slo.window, errorRatio, burnRates, budget, page, ticket, level, at: now };
}

/**
 * The budget left over the window, step by step: at each point, what would be left had the
 * window ended there (errors so far against the allowance of the events so far).
 */
export async function sloBurnDown(sql: SqlClient, slo: SloConfig, now: number, points = 120): Promise<{ t: number; remaining: number }[]> {
  const from = now - slo.window;
  const stepMs = Math.max(60_000, Math.ceil(slo.window / points / 60_000) * 60_000);
  const s = sliSource(slo);
  const allowed = 1 - slo.objective / 100;
  const out: { t: number; remaining: number }[] = [];
  if (s.kind === 'gauge') {
    const steps = await stepSums(sql, s.metric, s.labels, 'gauge', from, now, stepMs);
    let sum = 0;
    let n = 0;
    for (const p of steps) {
      sum += p.v;
      n += p.n;
      if (n) out.push({ t: p.t + stepMs, remaining: 100 - (clamp01(1 - sum / n / s.scale) / allowed) * 100 });
    }
    return out;
  }
  const [part, total] = await Promise.all([stepSums(sql, s.metric, s.labels, 'counter', from, now, stepMs), stepSums(sql, s.total!, s.labels, 'counter', from, now, stepMs)]);
  const partAt = new Map(part.map((p) => [p.t, p.v]));
  let errors = 0;
  let events = 0;
  for (const p of total) {
    const v = partAt.get(p.t) ?? 0;
    events += p.v;
    errors += s.good ? p.v - v : v;
    if (events > 0) out.push({ t: p.t + stepMs, remaining: 100 - (clamp01(errors / events) / allowed) * 100 });
  }
  return out;
}
