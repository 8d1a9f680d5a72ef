import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** How often the loop is timed: each sample is a wake-up of an otherwise idle process. */
const RESOLUTION_MS = 1_000;
/** The figures describe at most this much recent time, whatever the scrape interval. */
const WINDOW_MS = 60_000;

const FIGURES: Record<string, (h: IntervalHistogram) => number> = {
  min: (h) => h.min,
  max: (h) => h.max,
  mean: (h) => h.mean,
  stddev: (h) => h.stddev,
  p50: (h) => h.percentile(50),
  p90: (h) => h.percentile(90),
  p99: (h) => h.percentile(99),
};

/**
 * prom-client's `nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`, under the same
 * names, from a histogram of our own. prom-client times the loop every 10 ms (a hundred wake-ups
 * a second, most of an idle `npm start`'s event-loop turns) and empties its histogram at every
 * scrape, so a coarser timer left a scrape soon after another with no samples: a mean of NaN and
 * a minimum of 9.2e9 s. Here the timer runs once a second and the histogram is emptied once a
 * minute, not per scrape; a scrape that finds it empty (the second after start or after emptying)
 * keeps the figures it last had. Call after collectDefaultMetrics, whose gauges of these names it
 * replaces.
 */
export function registerEventLoopLag(registry: Registry): () => void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const rotate = setInterval(() => histogram.reset(), WINDOW_MS);
  rotate.unref();
  for (const [figure, read] of Object.entries(FIGURES)) {
    const name = `nodejs_eventloop_lag_${figure}_seconds`;
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help: `The ${figure} of the event loop delays recorded, over at most the last minute.`,
      registers: [registry],
      collect() {
        if (histogram.count > 0) this.set(read(histogram) / 1e9);
      },
    });
  }
  return () => {
    clearInterval(rotate);
    histogram.disable();
  };
}
