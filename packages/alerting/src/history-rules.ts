import { TARGET_MAX_AGE_MS, backtestHistoryRule, historyRanges, historyReach, historyValue, isHistoryRule, labelsMatch, latestBefore, minuteEnd, ruleFor, seriesKey, type BacktestResult, type HistoryRule, type Labels, type Point, type RuleSpec } from '@vigia/core';
import { minuteMeans, type SqlClient } from '@vigia/db';
import type { Logger } from '@vigia/plugin-sdk';
import type { Observation, RuleObserver } from './evaluator.ts';
import { MinuteCache } from './minute-cache.ts';

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
 * 1-minute rollups, which change once a minute: each rule's history is brought up to date once
 * per minute (a MinuteCache reads only the new minutes) and the observations are reused by the
 * ticks within it. Never on the per-sample path (evaluatesOnArrival leaves these rules out).
 */
export class HistoryRuleObserver implements RuleObserver {
  private minute = -1;
  private observations: Observation[] = [];
  private readonly rules: { rule: HistoryRule; cache: MinuteCache; target?: MinuteCache; seen: Map<string, Labels> }[];

  constructor(
    rules: RuleSpec[],
    sql: SqlClient,
    private readonly logger: Logger,
  ) {
    this.rules = rules.filter(isHistoryRule).map((rule) => ({
      rule,
      cache: new MinuteCache(sql, rule.metric, rule.labels),
      target: rule.predict && 'metric' in rule.predict.target ? new MinuteCache(sql, rule.predict.target.metric, undefined) : undefined,
      seen: new Map(),
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  async observe(now: number): Promise<Observation[]> {
    const minute = minuteEnd(now);
    if (minute === this.minute) return this.observations;
    try {
      const lists = await Promise.all(this.rules.map((r) => this.observeRule(r, now)));
      this.observations = lists.flat();
      this.minute = minute;
    } catch (error) {
      // Nothing is observed: these alerts keep their state until history can be read again.
      this.logger.warn('forecast and baseline rules could not read history', { error: (error as Error).message });
      return [];
    }
    return this.observations;
  }

  private async observeRule({ rule, cache, target, seen }: HistoryRuleObserver['rules'][number], now: number): Promise<Observation[]> {
    const end = minuteEnd(now);
    const [series, targets] = await Promise.all([cache.refresh(historyRanges(rule, now)), target?.refresh([{ from: end - TARGET_MAX_AGE_MS, to: end }])]);
    const out: Observation[] = [];
    for (const [key, s] of series) {
      const goal = targets ? targetFor(s.labels, targets) : undefined;
      const v = historyValue(rule, s.points, goal ? latestBefore(goal, now, TARGET_MAX_AGE_MS) : null, now, key);
      out.push({ rule: ruleFor(rule, v), seriesKey: key, labels: s.labels, value: v.value, summary: v.summary });
    }
    // A series gone from history since the last minute: no data once, so its alert does not hang on.
    for (const [key, labels] of seen) if (!series.has(key)) out.push({ rule, seriesKey: key, labels, value: null });
    seen.clear();
    for (const [key, s] of series) seen.set(key, s.labels);
    if (!series.size && rule.noData === 'alerting') out.push({ rule, seriesKey: seriesKey(rule.metric, rule.labels), labels: rule.labels ?? {}, value: null });
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
    minuteMeans(sql, rule.metric, rule.labels, [read]),
    rule.predict && 'metric' in rule.predict.target ? minuteMeans(sql, rule.predict.target.metric, undefined, [{ from: read.from - TARGET_MAX_AGE_MS, to: read.to }]) : undefined,
  ]);
  const targetMap = targets ? new Map(targets.map((t) => [t.key, { labels: t.labels, points: t.points }])) : undefined;
  const result = backtestHistoryRule(
    rule,
    series.map((s) => ({ labels: s.labels, minutes: s.points, target: targetMap ? (targetFor(s.labels, targetMap) ?? []) : undefined })),
    range,
  );
  return { ...result, series: series.length, points: series.reduce((n, s) => n + s.points.length, 0) };
}
