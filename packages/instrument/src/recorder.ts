/** The commands used, as ioredis' `pipeline()` offers them; any client with this shape works. */
export interface RedisPipelineLike {
  incr(key: string): unknown;
  lpush(key: string, value: string): unknown;
  ltrim(key: string, start: number, stop: number): unknown;
  exec(): Promise<unknown>;
}

export interface RedisLike {
  pipeline(): RedisPipelineLike;
}

export interface InstrumentOptions {
  /** A connected client, e.g. `new Redis(url)` from ioredis. */
  redis: RedisLike;
  /** The seed's key prefix (default `mcp:`); must match the api collector's `prefix`. */
  prefix?: string;
  /**
   * Longest the response-time list may grow (default 100000, 0 for no cap): the newest values are
   * kept, so memory stays bounded while no collector is consuming the list.
   */
  maxListLength?: number;
  /** Told about failed writes; they never reach the request. Default: ignore them. */
  onError?: (error: unknown) => void;
}

export type RecordRequest = (statusCode: number, seconds: number) => void;

/**
 * One request → `INCR <prefix>metrics:request_count`, `INCR <prefix>metrics:error_count` for a
 * 5xx, `LPUSH <prefix>metrics:response_times <seconds>`, in one round trip that nobody waits for.
 */
export function createRecorder({ redis, prefix = 'mcp:', maxListLength = 100_000, onError }: InstrumentOptions): RecordRequest {
  const report = (error: unknown) => {
    try {
      onError?.(error);
    } catch {
      // an onError that throws is the application's problem, not a reason to fail its request
    }
  };
  const requests = `${prefix}metrics:request_count`;
  const errors = `${prefix}metrics:error_count`;
  const responseTimes = `${prefix}metrics:response_times`;
  return (statusCode, seconds) => {
    // Monitoring being down must never fail, slow or crash the application: no await, no throw.
    try {
      const pipeline = redis.pipeline();
      pipeline.incr(requests);
      if (statusCode >= 500) pipeline.incr(errors);
      pipeline.lpush(responseTimes, seconds.toFixed(6));
      if (maxListLength > 0) pipeline.ltrim(responseTimes, 0, maxListLength - 1);
      // ioredis resolves a pipeline even when its commands failed, with an error per command.
      pipeline.exec().then((replies) => {
        const failed = Array.isArray(replies) ? replies.find((r) => Array.isArray(r) && r[0]) : undefined;
        if (failed) report(failed[0]);
      }, report);
    } catch (error) {
      report(error);
    }
  };
}

/** Seconds since `started` (from `process.hrtime.bigint()`). */
export const secondsSince = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;
