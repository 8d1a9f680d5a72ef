import { ms, type Alert } from '../api/types.ts';
import type { Episode } from '../chart/chart-overlays.ts';
import { labelsMatch } from '../live/series-key.ts';
import { trpc } from '../trpc.ts';

/** How many past episodes of one rule a chart looks at; more would be slivers anyway. */
const PER_RULE = 200;

/**
 * The alert episodes of some rules that overlap a time window, for shading on a chart.
 *
 * `alerts.list` filters on when an episode started, so an episode that began before the window
 * and is still open would be missed by asking for [from, to]: instead ask for the newest
 * episodes that started before `to` and keep those still open at `from`.
 */
export class Episodes {
  list = $state.raw<Episode[]>([]);
  private request = 0;

  async load(rules: readonly string[], from: number, to: number | null, labels?: Record<string, string> | null): Promise<void> {
    const id = ++this.request;
    if (rules.length === 0) {
      this.list = [];
      return;
    }
    try {
      const found = await Promise.all(rules.map((rule) => trpc.alerts.list.query({ rule, to: to === null ? undefined : Math.ceil(to), limit: PER_RULE })));
      if (id !== this.request) return;
      this.list = found
        .flat()
        .filter((a) => labelsMatch(a.labels, labels))
        .map((a) => toEpisode(a as unknown as Alert))
        .filter((e) => e.to === null || e.to >= from)
        .sort((a, b) => a.from - b.from);
    } catch {
      // Shading is a help, not the chart: a failure leaves the chart as it was.
    }
  }
}

function toEpisode(a: Alert): Episode {
  return { from: ms(a.startedAt) ?? 0, to: ms(a.resolvedAt), severity: a.severity, label: a.rule };
}
