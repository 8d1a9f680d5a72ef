import type { RuleSpec, SeriesState, Step } from '@vigia/core';

/** One step of one series' state machine, as the store commits it. */
export interface Change {
  rule: RuleSpec;
  metric: string;
  seriesKey: string;
  labels: Record<string, string>;
  /** null when the engine has no row for this series yet. */
  version: number | null;
  prev: SeriesState;
  step: Step;
  value: number | null;
  now: number;
  actor: string;
  comment?: string;
  channels: string[];
  unit?: string;
  /** Sets the episode's severity (raised when a stricter rule on the series joins it, lowered when it leaves). */
  severity?: string;
  /** This rule stops holding the episode but another rule on the series still does: it stays open. */
  keepEpisodeOpen?: boolean;
  /** Words computed by the rule itself (an SLO's): replace the episode's summary. */
  summary?: string;
}

/** What happened, for live subscribers. */
export interface AlertEvent {
  alertId: string;
  type: string;
  rule: string;
  severity: string;
  status: string;
  labels: Record<string, string>;
  value: number | null;
  actor: string;
  comment?: string;
  at: number;
}
