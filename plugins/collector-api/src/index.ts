import type { Redis } from 'ioredis';
import { defineCollector, type CollectContext, type Sample } from '@vigia/plugin-sdk';
import { configSchema, type ApiConfig } from './config.ts';
import { describeRedis, openRedis } from '@vigia/plugin-sdk/redis';
import { metrics } from './metrics.ts';
import { parseSeconds, summarize } from './response-times.ts';
import { take, type Taken } from './take.ts';

export { configSchema, keysOf, type ApiConfig } from './config.ts';
export { percentile, parseSeconds } from './response-times.ts';

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A counter written with INCR: absent means nothing counted yet, anything but an integer is broken. */
function parseCount(raw: string | null): number | null {
  if (raw === null) return 0;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Requests and errors in the interval; a counter that went down was reset, so all of it is new. */
function rates(taken: Taken, requests: number, errors: number): Sample[] {
  const previous = taken.previous;
  // No interval behind the first tick: a rate is only known when nothing was ever counted (0),
  // which is what a fresh install shows its dashboards rather than "No data".
  if (!previous) return taken.current.requests === null && taken.current.errors === null ? rateSamples(0, 0) : [];
  const prevRequests = parseCount(previous.requests);
  const prevErrors = parseCount(previous.errors);
  const seconds = (taken.now - previous.at) / 1000;
  if (prevRequests === null || prevErrors === null || !(seconds > 0)) return [];
  const newRequests = requests < prevRequests ? requests : requests - prevRequests;
  const newErrors = errors < prevErrors ? errors : errors - prevErrors;
  // An interval without requests has no failed requests; more errors than requests (counters
  // written out of step) is capped rather than shown as more than every request failing.
  const errorRate = newRequests > 0 ? Math.min(100, (newErrors / newRequests) * 100) : 0;
  return rateSamples(round(newRequests / seconds, 3), round(errorRate, 2));
}

function rateSamples(requestRate: number, errorRate: number): Sample[] {
  return [
    { name: 'api_request_rate', value: requestRate, unit: '1/s' },
    { name: 'api_error_rate', value: errorRate, unit: '%' },
  ];
}

/** API traffic recorded by applications in the seed's Redis protocol (see README). */
export default function apiCollector() {
  let redis: Redis | undefined;
  let target = '';
  const warned = new Set<string>();

  function warnOnce(ctx: CollectContext<ApiConfig>, what: string, message: string, fields: Record<string, unknown>) {
    if (warned.has(what)) return;
    warned.add(what);
    ctx.logger.warn(`${message} (logged once)`, { redis: target, ...fields });
  }

  return defineCollector<ApiConfig>({
    name: 'api',
    description: 'API request rate, error rate and response-time percentiles from the seed’s Redis keys',
    configSchema,
    metrics,

    init({ config, logger }) {
      if (redis) return;
      target = describeRedis(config.url);
      redis = openRedis(config.url, logger);
    },

    async collect(ctx) {
      const { config } = ctx;
      if (!redis) throw new Error('api collector used before init');
      let taken: Taken;
      try {
        taken = await take(redis, config.prefix, config.max_list_length);
      } catch (error) {
        throw new Error(`Redis ${target}: ${(error as Error).message}`, { cause: error });
      }

      const samples: Sample[] = [];
      const requests = parseCount(taken.current.requests);
      const errors = parseCount(taken.current.errors);
      if (requests === null || errors === null) {
        ctx.reject('invalid_counter');
        warnOnce(ctx, 'counter', 'request_count or error_count is not an integer; no request totals or rates', { prefix: config.prefix });
      } else {
        samples.push({ name: 'api_requests_total', value: requests }, { name: 'api_errors_total', value: errors }, ...rates(taken, requests, errors));
      }

      const dropped = taken.length - taken.values.length;
      if (dropped > 0) {
        for (let i = 0; i < dropped; i++) ctx.reject('response_times_overflow');
        warnOnce(ctx, 'overflow', 'response_times held more values than max_list_length; the oldest were dropped', { dropped, max_list_length: config.max_list_length });
      }
      const seconds: number[] = [];
      for (const raw of taken.values) {
        const value = parseSeconds(raw);
        if (value !== null) {
          seconds.push(value);
          continue;
        }
        ctx.reject('invalid_response_time');
        warnOnce(ctx, 'value', 'a response time is not a non-negative number of seconds; skipped', { value: raw.slice(0, 40) });
      }
      samples.push({ name: 'api_response_times_consumed', value: taken.values.length });
      const summary = summarize(seconds);
      // A tick without requests reports 0 s, as an exporter does for a series that saw nothing:
      // dashboards and rules then see a quiet API rather than a missing one.
      samples.push(
        { name: 'api_response_time_p50', value: summary?.p50 ?? 0, unit: 's' },
        { name: 'api_response_time_p95', value: summary?.p95 ?? 0, unit: 's' },
        { name: 'api_response_time_p99', value: summary?.p99 ?? 0, unit: 's' },
        { name: 'api_response_time_avg', value: summary ? round(summary.avg, 6) : 0, unit: 's' },
      );
      return samples;
    },

    async close() {
      const r = redis;
      redis = undefined;
      await r?.quit().catch(() => r.disconnect());
    },
  });
}
