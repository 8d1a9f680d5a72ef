import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { backtest, isHistoryRule, labelsMatch, planRange, type SeriesStatus } from '@vigia/core';
import { backtestFromHistory, channelsFor, readStoredSlos, sloRules, toRuleSpec } from '@vigia/alerting';
import { ruleSchema } from '@vigia/config';
import { protectedProcedure, router } from '../trpc.ts';

const MAX_BACKTEST_SPAN_MS = 400 * 86_400_000;

export const backtestInput = z
  .object({
    /** A configured rule by name, or a rule as written in monitoring.yaml (edited, not saved). */
    rule: z.union([z.string().min(1), ruleSchema]),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] })
  .refine((i) => i.to - i.from <= MAX_BACKTEST_SPAN_MS, { message: 'at most 400 days at once', path: ['to'] });

export const rulesRouter = router({
  /** Every rule with its settings, the state of each series it watches and their current values. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const [states, current, stored] = await Promise.all([ctx.deps.alerts.loadStates(), ctx.deps.reader.current(), readStoredSlos(ctx.deps.store.db, ctx.deps.config)]);
    // SLOs made in the dashboard or the API come and go while the API runs: their rules are read each time.
    const rules = [...ctx.deps.rules, ...sloRules(ctx.deps.config, stored.slos)];
    return rules.map((rule) => {
      const series = [...states.values()]
        .filter((s) => s.rule === rule.name)
        .map((s) => ({ seriesKey: s.seriesKey, labels: s.labels, status: s.state.status, episodeId: s.state.episodeId ?? null, pendingSince: s.state.pendingSince ?? null }));
      const values = current.filter((s) => s.name === rule.metric && labelsMatch(s.labels, rule.labels)).map((s) => ({ labels: s.labels, value: s.value, timestamp: s.timestamp }));
      const worst: SeriesStatus = series.some((s) => s.status === 'firing')
        ? 'firing'
        : series.some((s) => s.status === 'acknowledged')
          ? 'acknowledged'
          : series.some((s) => s.status === 'pending')
            ? 'pending'
            : 'inactive';
      return { ...rule, state: worst, series, values };
    });
  }),

  /**
   * Replays a rule over stored history with the engine's state machine, one evaluation per
   * evaluation interval: the episodes it would have produced and the messages it would have sent.
   */
  backtest: protectedProcedure.input(backtestInput).query(async ({ ctx, input }) => {
    const { config, history, rules } = ctx.deps;
    const rule = typeof input.rule === 'string' ? rules.find((r) => r.name === input.rule) : toRuleSpec(input.rule, config.alerts);
    if (!rule) throw new TRPCError({ code: 'NOT_FOUND', message: `no rule named ${input.rule as string}` });
    const channels = channelsFor(rule, config);
    if (isHistoryRule(rule)) {
      // Forecasts and baselines read the 1-minute rollups, live and here alike.
      const started = performance.now();
      const result = await backtestFromHistory(ctx.deps.store.sql, rule, { from: input.from, to: input.to, stepMs: config.alerts.evaluation_interval });
      return {
        rule: rule.name,
        resolution: '1m' as const,
        series: result.series,
        points: result.points,
        episodes: result.episodes,
        notifications: result.notifications,
        channels,
        deliveries: result.notifications * channels.length,
        evaluations: result.steps,
        replayMs: Math.round(performance.now() - started),
      };
    }
    const now = Date.now();
    // The finest history that covers the range: raw samples, else 1-minute rollups, else hourly.
    const plan = planRange(input.from, input.to, Math.min(100_000, Math.ceil((input.to - input.from) / 1_000)), now, config.retention);
    const lookback = rule.windowMs;
    const series = await history.range(rule.metric, rule.labels, input.from - lookback, input.to, plan);
    const started = performance.now();
    const result = backtest(
      rule,
      series.map((s) => ({ labels: s.labels, points: s.points.map((p) => ({ t: p.t, v: p.v })) })),
      { from: input.from, to: input.to, stepMs: config.alerts.evaluation_interval },
    );
    return {
      rule: rule.name,
      resolution: plan.resolution,
      series: series.length,
      points: series.reduce((n, s) => n + s.points.length, 0),
      episodes: result.episodes,
      notifications: result.notifications,
      channels,
      deliveries: result.notifications * channels.length,
      evaluations: result.steps,
      replayMs: Math.round(performance.now() - started),
    };
  }),
});
