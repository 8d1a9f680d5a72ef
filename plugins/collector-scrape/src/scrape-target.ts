import type { Sample } from '@vigia/plugin-sdk';
import { ExpositionError, formatOf, parseExposition, type Format } from './exposition.ts';
import { fetchPage } from './fetch-page.ts';
import { cleanReason, describeError, seconds } from './reason.ts';
import { ScrapeFailure, type ScrapeTarget } from './spec.ts';
import { toSamples } from './target-labels.ts';

export interface ScrapeResult {
  ok: boolean;
  /** Why it failed, worded for a person ("connection refused 10.0.0.5:9100", "HTTP 401 Unauthorized…"). */
  reason?: string;
  httpStatus?: number;
  format?: Format;
  /** The exporter's series, labelled and relabelled; none when the scrape failed. */
  samples: Sample[];
  /** Samples on the page (Prometheus' scrape_samples_scraped). */
  scraped: number;
  /** Of those, the ones left after relabelling (scrape_samples_post_metric_relabeling). */
  postRelabel: number;
  notFinite: number;
  durationSeconds: number;
}

/** Where a target is, for messages: host and port, never a password or query string. */
export function whereOf(target: ScrapeTarget): string {
  const url = new URL(target.url);
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

/** The URL as it may be shown: without its query string, where tokens sometimes travel. */
export function shownUrl(target: ScrapeTarget): string {
  const url = new URL(target.url);
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

function secretsOf(target: ScrapeTarget): string[] {
  const out: string[] = [];
  if (target.auth?.type === 'bearer' && target.auth.token) out.push(target.auth.token);
  if (target.auth?.type === 'basic' && target.auth.password) out.push(target.auth.password);
  for (const value of new URL(target.url).searchParams.values()) out.push(value);
  return out;
}

async function scrapeOnce(target: ScrapeTarget, signal: AbortSignal): Promise<Omit<ScrapeResult, 'durationSeconds'>> {
  const page = await fetchPage(target, signal);
  if (/^\s*text\/html/i.test(page.contentType ?? '')) {
    throw new ScrapeFailure(`the answer is an HTML page, not metrics (is ${new URL(target.url).pathname} the exporter's metrics path?)`, page.status);
  }
  const format = formatOf(page.contentType);
  let parsed;
  try {
    parsed = parseExposition(page.body, format);
  } catch (error) {
    if (error instanceof ExpositionError) throw new ScrapeFailure(`the ${format === 'openmetrics' ? 'OpenMetrics' : 'Prometheus text'} page does not parse: ${error.message}`, page.status);
    throw error;
  }
  const { samples, notFinite } = toSamples(parsed.samples, target);
  const postRelabel = samples.length + notFinite;
  // Prometheus' sample_limit: past it the whole scrape fails, rather than keeping an arbitrary part.
  if (postRelabel > target.sampleLimit) {
    throw new ScrapeFailure(`${postRelabel} samples after relabelling, more than sample_limit (${target.sampleLimit}); drop some with relabel or raise the limit`, page.status);
  }
  return { ok: true, httpStatus: page.status, format, samples, scraped: parsed.samples.length, postRelabel, notFinite };
}

/**
 * Scrapes one target to an outcome within its own timeout, whatever the exporter does: one that
 * trickles its answer is still left behind at the deadline. Never throws.
 */
export async function scrapeTarget(target: ScrapeTarget, hostSignal?: AbortSignal): Promise<ScrapeResult> {
  const deadline = AbortSignal.timeout(target.timeoutMs);
  const signal = hostSignal ? AbortSignal.any([hostSignal, deadline]) : deadline;
  const started = performance.now();
  let result: Omit<ScrapeResult, 'durationSeconds'>;
  const failed = (reason: string, httpStatus?: number) => ({ ok: false, reason, httpStatus, samples: [], scraped: 0, postRelabel: 0, notFinite: 0 });
  try {
    const timedOut = new Promise<never>((_, reject) => {
      const fire = () => reject(signal.reason);
      if (signal.aborted) fire();
      else signal.addEventListener('abort', fire, { once: true });
    });
    result = await Promise.race([scrapeOnce(target, signal), timedOut]);
  } catch (error) {
    if (deadline.aborted) result = failed(`timed out after ${seconds(target.timeoutMs)}`);
    else if (signal.aborted) result = failed('stopped by the worker before it finished');
    else if (error instanceof ScrapeFailure) result = failed(error.reason, error.httpStatus);
    else result = failed(describeError(error, whereOf(target)));
  }
  if (result.reason) result.reason = cleanReason(result.reason, secretsOf(target));
  return { ...result, durationSeconds: (performance.now() - started) / 1000 };
}
