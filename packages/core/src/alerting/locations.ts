import { seriesKey } from '../series-key.ts';
import { compare } from './compare.ts';
import type { RuleSpec } from './rule.ts';

export interface LocationGroup {
  seriesKey: string;
  /** The series' labels without the location label: what the one alert of the group carries. */
  labels: Record<string, string>;
  /** How many locations meet the rule's condition now. */
  failing: number;
  /** Those locations, by name, for messages. */
  failingAt: string[];
  /** Locations with a value (the M of N of M). */
  reporting: number;
}

/**
 * Series alike but for the location label (`host`), each with its value now: grouped, and each
 * group's failing locations counted against the rule's condition. A location without a value
 * (stale, no data) counts as reporting nothing, neither failing nor passing.
 */
export function groupLocations<S extends { labels: Record<string, string> }>(
  rule: RuleSpec & { locations: NonNullable<RuleSpec['locations']> },
  series: S[],
  valueOf: (s: S) => number | null,
): LocationGroup[] {
  const { by } = rule.locations;
  const groups = new Map<string, LocationGroup>();
  for (const s of series) {
    const { [by]: location, ...rest } = s.labels;
    const key = seriesKey(rule.metric, rest);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { seriesKey: key, labels: rest, failing: 0, failingAt: [], reporting: 0 }));
    const value = valueOf(s);
    if (value === null) continue;
    group.reporting++;
    if (compare(value, rule.operator, rule.threshold)) {
      group.failing++;
      group.failingAt.push(location ?? '?');
    }
  }
  for (const group of groups.values()) group.failingAt.sort();
  return [...groups.values()];
}

/**
 * The rule a location group steps through the alert state machine with: its value is the number of
 * failing locations, so the condition becomes "at least min_failing". `for`, cooldowns, severity
 * and annotations stay the rule's own.
 */
export function locationCountRule(rule: RuleSpec & { locations: NonNullable<RuleSpec['locations']> }): RuleSpec {
  return { ...rule, operator: '>=', threshold: rule.locations.minFailing, clearThreshold: undefined };
}
