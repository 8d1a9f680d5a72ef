import { PromqlError } from './errors.ts';

const UNIT_MS: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A PromQL duration (`1h30m`, `90s`, `500ms`) or a number of seconds, in ms; undefined when it is neither. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i.test(s)) return Math.round(Number(s) * 1000);
  if (!/^([0-9]+(ms|y|w|d|h|m|s))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, unit] of s.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)) total += Number(n) * UNIT_MS[unit!]!;
  return total;
}

/** An API time parameter: unix seconds (with fraction) or RFC 3339, in ms. */
export function parseTime(name: string, text: string): number {
  const s = text.trim();
  if (/^[+-]?[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i.test(s)) {
    const ms = Math.round(Number(s) * 1000);
    if (Number.isFinite(ms)) return ms;
  }
  if (/^\d{4}-\d\d-\d\dT/.test(s)) {
    const ms = Date.parse(s);
    if (Number.isFinite(ms)) return ms;
  }
  throw new PromqlError(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
}

/** An API duration parameter (step, lookback): a duration or seconds, positive. */
export function parseDurationParam(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || !Number.isFinite(ms)) throw new PromqlError(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  return ms;
}
