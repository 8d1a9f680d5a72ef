import {
  TARGET_MAX_AGE_MS,
  backtestHistoryRule,
  historyRanges,
  historyReach,
  historyValue,
  isHistoryRule,
  labelsMatch,
  latestBefore,
  minuteEnd,
  ruleFor,
  seriesKey,
  type BacktestResult,
  type HistoryRule,
  type Labels,
  type Point,
  type RuleSpec,
} from '@vigia/core';
import { minuteMeans, type SqlClient } from '@vigia/db';
import type { Logger } from '@vigia/plugin-sdk';
import type { Observation, RuleObserver } from './evaluator.ts';
import { MinuteCache, type MinuteNeed } from './minute-cache.ts';

/** The target series of a forecast for one series: the one whose labels it carries most of (or the only one). */
export function targetFor(labels: Labels, targets: Map<string, { labels: Labels; points: Point[] }>): Point[] | undefined {
  let best: { points: Point[]; size: number } | undefined;
  for (const t of targets.values()) {
    const size = Object.keys(t.labels).length;
    if (labelsMatch(labels, t.labels) && (!best || size > best.size)) best = { points: t.points, size };
  }
  if (best) return best.points;
  return targets.size === 1 ? [...targets.values()][0]!.points : undefined;
}

/**
 * The forecast and baseline rules' observations on each tick. Their values come from the
 * 1-minute rollups, which change once a minute: once per minute every rule's history is brought
 * up to date (one query for all of them, reading only the new minutes) and the observations are
 * reused by the ticks within that minute. Never on the per-sample path (evaluatesOnArrival
 * leaves these rules out).
 */
export class HistoryRuleObserver implements RuleObserver {
  private minute = -1;
  private observations: Observation[] = [];
  private readonly rules: HistoryRule[];
  private readonly cache: MinuteCache;
  /** Per rule, the series seen at the last refresh. */
  private readonly seen = new Map<string, Map<string, Labels>>();

  constructor(
    rules: RuleSpec[],
    sql: SqlClient,
    private readonly logger: Logger,
  ) {
    this.rules = rules.filter(isHistoryRule);
    this.cache = new MinuteCache(sql);
  }

  get size(): number {
    return this.rules.length;
  }

  async observe(now: number): Promise<Observation[]> {
    const minute = minuteEnd(now);
    if (minute === this.minute || !this.rules.length) return this.observations;
    try {
      this.observations = await this.read(now);
      this.minute = minute;
    } catch (error) {
      // Nothing is observed: these alerts keep their state until history can be read again.
      this.logger.warn('forecast and baseline rules could not read history', { error: (error as Error).message });
      return [];
    }
    return this.observations;
  }

  private async read(now: number): Promise<Observation[]> {
    const end = minuteEnd(now);
    const needs: { id: string; need: MinuteNeed }[] = [];
    const targetAt = new Map<string, number>();
    for (const rule of this.rules) {
      needs.push({ id: `rule\u0000${rule.name}`, need: { metric: rule.metric, labels: rule.labels, ranges: historyRanges(rule, now) } });
      if (rule.predict && 'metric' in rule.predict.target) {
        targetAt.set(rule.name, needs.length);
        needs.push({ id: `target\u0000${rule.name}`, need: { metric: rule.predict.target.metric, ranges: [{ from: end - TARGET_MAX_AGE_MS, to: end }] } });
      }
    }
    const results = await this.cache.refresh(needs);
    const out: Observation[] = [];
    let i = 0;
    for (const rule of this.rules) {
      const series = results[i++]!;
      const targets = targetAt.has(rule.name) ? results[i++] : undefined;
      const seen = this.seen.get(rule.name) ?? new Map<string, Labels>();
      for (const [key, s] of series) {
        const goal = targets ? targetFor(s.labels, targets) : undefined;
        const v = historyValue(rule, s.points, goal ? latestBefore(goal, now, TARGET_MAX_AGE_MS) : null, now, key);
        out.push({ rule: ruleFor(rule, v), seriesKey: key, labels: s.labels, value: v.value, summary: v.summary });
      }
      // A series gone from history since the last minute: no data once, so its alert does not hang on.
      for (const [key, labels] of seen) if (!series.has(key)) out.push({ rule, seriesKey: key, labels, value: null });
      this.seen.set(rule.name, new Map([...series].map(([key, s]) => [key, s.labels])));
      if (!series.size && rule.noData === 'alerting') out.push({ rule, seriesKey: seriesKey(rule.metric, rule.labels), labels: rule.labels ?? {}, value: null });
    }
    return out;
  }
}

/**
 * Replays a forecast or baseline rule over the stored 1-minute rollups (the history the engine
 * reads), one evaluation per `stepMs`: a month of a baseline costs its weeks of minutes, read once.
 */
export async function backtestFromHistory(sql: SqlClient, rule: HistoryRule, range: { from: number; to: number; stepMs: number }): Promise<BacktestResult & { series: number; points: number }> {
  const read = { from: minuteEnd(range.from) - historyReach(rule), to: minuteEnd(range.to) };
  const [series, targets] = await Promise.all([
    minuteMeans(sql, rule.metric, rule.labels, read.from, read.to),
    rule.predict && 'metric' in rule.predict.target ? minuteMeans(sql, rule.predict.target.metric, undefined, read.from - TARGET_MAX_AGE_MS, read.to) : undefined,
  ]);
  const targetMap = targets ? new Map(targets.map((t) => [t.key, { labels: t.labels, points: t.points }])) : undefined;
  const result = backtestHistoryRule(
    rule,
    series.map((s) => ({ labels: s.labels, minutes: s.points, target: targetMap ? (targetFor(s.labels, targetMap) ?? []) : undefined })),
    range,
  );
  return { ...result, series: series.length, points: series.reduce((n, s) => n + s.points.length, 0) };
}
