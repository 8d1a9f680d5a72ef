import { PAGE_CONDITIONS, TICKET_CONDITIONS, seriesKey, sloSummary, type RuleSpec, type Logger } from '@vigia/core';
import type { SloConfig, VigiaConfig } from '@vigia/config';
import { metricExists, type SqlClient } from '@vigia/db';
import type { Observation } from './observation.ts';
import { readSloStatus, sliMetrics, type SloStatus } from './slo-status.ts';

/**
 * An SLO enters the rule engine as two rules on one series: a page (critical) and a ticket
 * (warning), the page first so that when both start at once the alert opens as a page. Their value is how far past its factor the strongest of their burn-rate conditions
 * is, so each holds above 1; sharing a series, they make one alert whose severity is raised and
 * lowered within the episode (see the ladder in evaluator.ts).
 */
export const SLO_METRIC = 'vigia_slo_burn_rate';

export const sloSeriesKey = (name: string) => seriesKey(SLO_METRIC, { slo: name });
export const sloRuleName = (name: string, level: 'page' | 'ticket') => `SLO ${name} (${level})`;

/** The two rules of each SLO: monitoring.yaml's by default, or those given (the stored ones). */
export function sloRules(config: VigiaConfig, slos: SloConfig[] = config.slos): RuleSpec[] {
  return slos.flatMap((slo) =>
    (['page', 'ticket'] as const).map((level) => ({
      name: sloRuleName(slo.name, level),
      metric: SLO_METRIC,
      operator: '>' as const,
      threshold: 1,
      forMs: 0,
      severity: level === 'page' ? ('critical' as const) : ('warning' as const),
      labels: { slo: slo.name },
      reduce: 'last' as const,
      windowMs: 60_000,
      keepFiringForMs: 0,
      cooldownMs: config.alerts.default_cooldown,
      noData: 'ok' as const,
      annotations: {},
      slo: slo.name,
    })),
  );
}

const MINUTE = 60_000;
/** How often the error ratio over a whole SLO window (a month of minutes) is read again for the budget. */
const BUDGET_EVERY_MS = 10 * MINUTE;

/**
 * The SLO rules' observations on each tick. Burn rates come from the 1-minute rollups, which
 * change once a minute: the statuses are read once per minute and reused by the ticks within it.
 * The budget in the alerts' words is read every 10 minutes (see readSloStatus).
 */
export class SloObserver {
  private minute = -1;
  /** Bumped by replace(): a read begun before it neither marks the minute as read nor caches budgets. */
  private generation = 0;
  private read: { slo: SloConfig; status: SloStatus }[] = [];
  private readonly budgets = new Map<string, { at: number; ratio: number | null }>();
  private rules = new Map<string, RuleSpec>();
  /** Rules of SLOs removed since the last tick: observed once more with no data, so their alerts resolve. */
  private farewells: Observation[] = [];

  constructor(
    private slos: SloConfig[],
    rules: RuleSpec[],
    private readonly sql: SqlClient,
    private readonly logger: Logger,
  ) {
    for (const r of rules) if (r.slo) this.rules.set(r.name, r);
  }

  /**
   * Evaluates these SLOs from the next tick on (stored ones were made, changed or removed). A
   * changed SLO is read afresh at once rather than at the next minute; a removed one's alerts
   * resolve rather than stay open with nothing left to close them.
   */
  replace(slos: SloConfig[], rules: RuleSpec[]): void {
    const next = new Map<string, RuleSpec>();
    for (const r of rules) if (r.slo) next.set(r.name, r);
    const kept = new Set(slos.map((s) => s.name));
    for (const rule of this.rules.values()) {
      if (kept.has(rule.slo!)) continue;
      this.farewells.push({ rule, seriesKey: sloSeriesKey(rule.slo!), labels: { slo: rule.slo! }, value: null });
      this.budgets.delete(rule.slo!);
    }
    const before = new Map(this.slos.map((s) => [s.name, JSON.stringify(s)]));
    for (const slo of slos) if (before.get(slo.name) !== JSON.stringify(slo)) this.budgets.delete(slo.name);
    this.slos = slos;
    this.rules = next;
    this.minute = -1;
    this.generation++;
  }

  /** The newest statuses read (empty before the first tick). */
  latest(): SloStatus[] {
    return this.read.map((r) => r.status);
  }

  async observe(now: number): Promise<Observation[]> {
    const minute = Math.floor(now / MINUTE);
    if (minute !== this.minute) {
      const { generation, slos } = this;
      try {
        const statuses = await Promise.all(
          slos.map(async (slo) => {
            const known = this.budgets.get(slo.name);
            const fresh = known && now >= known.at && now - known.at < BUDGET_EVERY_MS;
            const status = await readSloStatus(this.sql, slo, now, fresh ? known.ratio : undefined);
            if (!fresh && generation === this.generation) this.budgets.set(slo.name, { at: now, ratio: status.errorRatio });
            return status;
          }),
        );
        this.read = slos.map((slo, i) => ({ slo, status: statuses[i]! }));
        // Replaced while reading: the next tick reads the new SLOs rather than waiting a minute.
        if (generation === this.generation) this.minute = minute;
      } catch (error) {
        // Nothing is observed: the SLO alerts keep their state until the history can be read again.
        this.logger.warn('SLO burn rates could not be read', { error: (error as Error).message });
        return [];
      }
    }
    const out: Observation[] = this.farewells;
    this.farewells = [];
    for (const { slo, status } of this.read) {
      for (const level of ['page', 'ticket'] as const) {
        // A removed SLO's rules are gone: its farewell above resolves its alert.
        const rule = this.rules.get(sloRuleName(slo.name, level));
        if (!rule) continue;
        const conditions = level === 'page' ? PAGE_CONDITIONS : TICKET_CONDITIONS;
        out.push({
          rule,
          seriesKey: sloSeriesKey(slo.name),
          labels: { slo: slo.name },
          value: status.level === 'no_data' ? null : status[level],
          summary: sloSummary(slo.name, slo.objective, slo.window, status.burnRates, status.budget, conditions),
        });
      }
    }
    return out;
  }
}

/** At start: an SLI metric no series has ever carried is most likely misspelt (its SLO shows no_data meanwhile). */
export async function warnSilentSlis(slos: SloConfig[], sql: SqlClient, logger: Logger): Promise<void> {
  for (const slo of slos) {
    for (const metric of sliMetrics(slo)) {
      const labels = metric === 'probe_success' && 'probe' in slo.sli ? { ...slo.labels, probe: slo.sli.probe } : slo.labels;
      const exists = await metricExists(sql, metric, labels).catch(() => true);
      if (!exists)
        logger.warn(`slos: SLO "${slo.name}" reads ${metric}${labels ? ` ${JSON.stringify(labels)}` : ''}, which nothing has reported yet; it shows no_data until something does`, {
          slo: slo.name,
          metric,
        });
    }
  }
}
