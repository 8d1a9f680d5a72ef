import { defineCollector, type Logger, type Sample } from '@vigia/plugin-sdk';
import { scrapeTarget, shownUrl, type ScrapeResult } from './scrape-target.ts';
import type { ScrapeTarget } from './spec.ts';
import { targetLabels } from './target-labels.ts';

export type { ScrapeTarget } from './spec.ts';
export { scrapeTarget } from './scrape-target.ts';
export { parseExposition, ExpositionError, type Exposition, type ParsedSample } from './exposition.ts';
export { mergeLabels } from './target-labels.ts';

/**
 * The whole list (`scrape:` of monitoring.yaml, put here by @vigia/config), or, for one part as
 * the worker runs it, the one target.
 */
export interface ScrapeCollectorConfig {
  targets?: ScrapeTarget[];
  target?: ScrapeTarget;
}

// Past its own timeout a scrape has already reported "timed out"; the host's deadline comes after.
const HOST_GRACE_MS = 2_000;

/** Each target's last failure, so a target that stays down is logged once, not every interval. */
const lastReasons = new Map<string, string>();

function report(target: ScrapeTarget, result: ScrapeResult, logger: Logger): void {
  const previous = lastReasons.get(target.name);
  if (!result.ok && result.reason !== previous) {
    lastReasons.set(target.name, result.reason!);
    logger.warn('scrape target failed; up is 0 until it answers (logged again only when the reason changes)', { target: target.name, url: shownUrl(target), reason: result.reason });
  } else if (result.ok && previous !== undefined) {
    lastReasons.delete(target.name);
    logger.info('scrape target answers again', { target: target.name, url: shownUrl(target) });
  }
}

/** Prometheus' own series about each scrape, so `up == 0` alerts and dashboards work as they are. */
function scrapeSeries(target: ScrapeTarget, result: ScrapeResult): Sample[] {
  const labels = targetLabels(target);
  return [
    { name: 'up', value: result.ok ? 1 : 0, labels },
    { name: 'scrape_duration_seconds', value: result.durationSeconds, labels, unit: 's' },
    { name: 'scrape_samples_scraped', value: result.scraped, labels },
    { name: 'scrape_samples_post_metric_relabeling', value: result.postRelabel, labels },
  ];
}

export default defineCollector<ScrapeCollectorConfig>({
  name: 'scrape',
  description: 'Prometheus exporters (monitoring.yaml scrape:): their /metrics in the Prometheus text or OpenMetrics format',
  // Once per cluster: an exporter answers the same whichever worker asks, and two workers scraping
  // one target would only double its load (and its counters' samples).
  scope: 'shared',
  metrics: {
    up: { help: 'Whether the last scrape of the target succeeded (1) or failed (0); the reason is in the scrape:<name> facts', type: 'gauge' },
    scrape_duration_seconds: { help: 'How long the last scrape of the target took', unit: 's', type: 'gauge' },
    scrape_samples_scraped: { help: 'Samples the target exposed in its last scrape', type: 'gauge' },
    scrape_samples_post_metric_relabeling: { help: 'Samples left after the target’s relabel rules', type: 'gauge' },
  },
  parts: (config) => (config.targets ?? []).map((target) => ({ key: target.name, interval: target.intervalMs, timeout: target.timeoutMs + HOST_GRACE_MS, config: { target } })),
  async collect({ config, signal, logger, publishInfo }) {
    const targets = config.target ? [config.target] : (config.targets ?? []);
    const results = await Promise.all(targets.map(async (target) => ({ target, result: await scrapeTarget(target, signal) })));
    for (const { target, result } of results) report(target, result, logger);
    if (config.target) {
      const { target, result } = results[0]!;
      publishInfo({
        job: target.job,
        instance: target.instance,
        url: shownUrl(target),
        ok: result.ok,
        reason: result.reason ?? null,
        http_status: result.httpStatus ?? null,
        format: result.format ?? null,
        samples_scraped: result.scraped,
        samples_stored: result.samples.length,
        // NaN and ±Inf are not stored: a summary with no observation yet reports NaN.
        samples_not_finite: result.notFinite,
        duration_ms: Math.round(result.durationSeconds * 1000),
        scraped_at: new Date().toISOString(),
      });
    }
    return results.flatMap(({ target, result }) => [...result.samples, ...scrapeSeries(target, result)]);
  },
});
