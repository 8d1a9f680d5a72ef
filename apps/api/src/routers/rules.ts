import { labelsMatch } from '@vigia/core';
import { protectedProcedure, router } from '../trpc.ts';

export const rulesRouter = router({
  /** Every rule with its settings, the state of each series it watches and their current values. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const [states, current] = await Promise.all([ctx.deps.alerts.loadStates(), ctx.deps.reader.current()]);
    return ctx.deps.rules.map((rule) => {
      const series = [...states.values()]
        .filter((s) => s.rule === rule.name)
        .map((s) => ({ seriesKey: s.seriesKey, labels: s.labels, status: s.state.status, episodeId: s.state.episodeId ?? null, pendingSince: s.state.pendingSince ?? null }));
      const values = current.filter((s) => s.name === rule.metric && labelsMatch(s.labels, rule.labels)).map((s) => ({ labels: s.labels, value: s.value, timestamp: s.timestamp }));
      const worst = series.some((s) => s.status === 'firing') ? 'firing' : series.some((s) => s.status === 'acknowledged') ? 'acknowledged' : series.some((s) => s.status === 'pending') ? 'pending' : 'inactive';
      return { ...rule, state: worst, series, values };
    });
  }),
});
