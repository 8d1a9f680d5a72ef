import { formatDuration } from './duration.ts';

/** The burn-rate windows of the SRE workbook's multi-window, multi-burn-rate alerts. */
export const BURN_WINDOWS = { '5m': 5 * 60_000, '30m': 30 * 60_000, '1h': 3_600_000, '2h': 2 * 3_600_000, '6h': 6 * 3_600_000, '1d': 86_400_000, '3d': 3 * 86_400_000 } as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

/** A condition holds when both its long and its short window burn faster than `factor`. */
export interface BurnCondition {
  long: BurnWindow;
  short: BurnWindow;
  factor: number;
}

/** Page: 2 % of a 30-day budget in an hour, or 5 % in six. */
export const PAGE_CONDITIONS: BurnCondition[] = [
  { long: '1h', short: '5m', factor: 14.4 },
  { long: '6h', short: '30m', factor: 6 },
];
/** Ticket: 10 % of the budget in a day, or in three days. */
export const TICKET_CONDITIONS: BurnCondition[] = [
  { long: '1d', short: '2h', factor: 3 },
  { long: '3d', short: '6h', factor: 1 },
];

export type BurnRates = Record<BurnWindow, number | null>;

/** Burn rate: how many times faster than the objective allows the budget is being spent. */
export function burnRate(errorRatio: number | null, objective: number): number | null {
  if (errorRatio === null) return null;
  return errorRatio / (1 - objective / 100);
}

/**
 * How far past its factor the strongest condition is: > 1 when one holds. Both windows count,
 * so the smaller of the two ratios decides; a window without data holds nothing.
 */
export function conditionStrength(rates: BurnRates, conditions: BurnCondition[]): number | null {
  let best: number | null = null;
  for (const c of conditions) {
    const long = rates[c.long];
    const short = rates[c.short];
    if (long === null || short === null) continue;
    const strength = Math.min(long, short) / c.factor;
    if (best === null || strength > best) best = strength;
  }
  return best;
}

export interface ErrorBudget {
  /** Share of the budget left, percent (negative once overspent). */
  remaining: number;
  /** Share of the budget spent, percent. */
  consumed: number;
  /** At the current (1 h) burn rate, how long until the budget is gone; null when it is not being spent. */
  exhaustedInMs: number | null;
}

/**
 * The budget over the SLO window: the errors allowed are (1 - objective) of the events, so the
 * share spent is the window's error ratio over that allowance. A burn rate of 1 spends the
 * whole budget in exactly one window.
 */
export function errorBudget(windowErrorRatio: number, objective: number, windowMs: number, currentBurn: number | null): ErrorBudget {
  const consumed = (windowErrorRatio / (1 - objective / 100)) * 100;
  const remaining = 100 - consumed;
  const exhaustedInMs = currentBurn && currentBurn > 0 ? (Math.max(0, remaining) / 100) * (windowMs / currentBurn) : null;
  return { remaining, consumed, exhaustedInMs };
}

/** The words of an SLO alert: burn rates of the condition that holds, budget left, time to exhaustion. */
export function sloSummary(name: string, objective: number, windowMs: number, rates: BurnRates, budget: ErrorBudget | null, conditions: BurnCondition[]): string {
  const fmt = (n: number | null) => (n === null ? 'no data' : `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}x`);
  const held = conditions.find((c) => (rates[c.long] ?? 0) > c.factor && (rates[c.short] ?? 0) > c.factor) ?? conditions[0]!;
  const days = windowMs / 86_400_000;
  let text = `SLO ${name} (${objective}% over ${Number.isInteger(days) ? `${days}d` : formatDuration(windowMs)}): error budget burning at ${fmt(rates[held.long])} over ${held.long} and ${fmt(rates[held.short])} over ${held.short} (limit ${held.factor}x)`;
  if (budget) {
    text += `; ${budget.remaining.toFixed(2)}% of the budget left`;
    if (budget.exhaustedInMs !== null) text += budget.remaining > 0 ? `, gone in ${formatDuration(Math.max(60_000, Math.round(budget.exhaustedInMs / 60_000) * 60_000))} at the 1h rate` : '';
  }
  return text;
}
