/** Every Redis key Vigia itself owns, under one prefix (VIGIA_KEY_PREFIX, default `vigia`). */
export function redisKeys(prefix: string) {
  return {
    prefix,
    /** hash: series key → JSON of the newest sample */
    latest: `${prefix}:latest`,
    /** string: written and read back by /healthz to prove Redis takes writes on Vigia's database */
    healthz: `${prefix}:healthz`,
    /** hash: metric name → JSON descriptor (help, unit, type) */
    meta: `${prefix}:meta`,
    /** sorted set per series: the live window (score = ms timestamp) */
    window: (seriesKey: string) => `${prefix}:win:${seriesKey}`,
    /** stream of sample batches not yet in PostgreSQL (consumer group `persist`) */
    ingest: `${prefix}:ingest`,
    /** capped stream of sample batches for live subscribers; its ids are the resume points */
    live: `${prefix}:live`,
    /** capped stream of alert transitions for live subscribers */
    alertEvents: `${prefix}:alert-events`,
    /** pub/sub channel: a transition was committed, so notifications may wait in the outbox (wakes every worker's relay) */
    outboxNudge: `${prefix}:outbox-nudge`,
    /** string with expiry: the worker that evaluates rules as their samples arrive (one at a time) */
    alertingOwner: `${prefix}:alerting-owner`,
    /** string: when this Redis started holding Vigia's live data (reset when Redis lost it) */
    dataSince: `${prefix}:data-since`,
    /** hash: channel → JSON description with secrets redacted, published by the workers */
    channels: `${prefix}:channels`,
    /** hash: collector → JSON of the static facts it published */
    info: `${prefix}:info`,
    /** hash: collector → JSON health (last run, last error, error count) */
    collectors: `${prefix}:collectors`,
    /** hash: counter name → integer, for Vigia's own counters shared by all processes */
    counters: `${prefix}:counters`,
    /** hash per client address, and per address + username: failed logins (`n`) and when the next try is allowed (`until`); expires */
    loginFailures: (scope: string) => `${prefix}:login-failures:${scope}`,
    /** sorted set per metric name: its series keys, scored by when each was last seen (series limits) */
    knownSeries: (metric: string) => `${prefix}:known:${metric}`,
    /** integer per minute: series created in it across all processes (expires) */
    newSeries: (minute: number) => `${prefix}:new-series:${minute}`,
    /** hash: series key → running total of the OTLP delta sums and histograms received for it (expires when unused) */
    otlpDeltaTotals: `${prefix}:otlp-delta-totals`,
    /** string with expiry: the worker that claimed tick `tick` of a periodic task (a collector, retention), so it runs once across workers */
    tickClaim: (task: string, tick: number) => `${prefix}:tick:${task}:${tick}`,
    /** integer: bumped on every change to the probes stored in PostgreSQL; workers watch it to reload them without a restart */
    probesVersion: `${prefix}:probes-version`,
    /** integer: bumped on every change to the SLOs stored in PostgreSQL; workers watch it to evaluate them without a restart */
    slosVersion: `${prefix}:slos-version`,
    /** integer: bumped on every change to silences or maintenance windows; evaluators read it to know their copy is current */
    suppressionsVersion: `${prefix}:suppressions-version`,
    /** BullMQ's prefix for Vigia's queues */
    queues: `${prefix}:bull`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
