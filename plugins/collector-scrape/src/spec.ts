/**
 * One scrape target as @vigia/config hands it over (monitoring.yaml `scrape:`, validated and
 * normalised there: durations in ms, regexes checked, files resolved).
 */
export interface ScrapeTarget {
  /** Names the target's collector part, `scrape:<name>`. */
  name: string;
  job: string;
  url: string;
  instance: string;
  intervalMs: number;
  timeoutMs: number;
  auth?: { type: 'bearer'; token?: string; tokenFile?: string } | { type: 'basic'; username: string; password?: string; passwordFile?: string };
  tls: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string; insecureSkipVerify: boolean };
  honorLabels: boolean;
  labels: Record<string, string>;
  relabel: { action: 'keep' | 'drop'; label: string; regex: string }[];
  sampleLimit: number;
  bodySizeLimit: number;
}

/** Thrown inside a scrape to end it with a reason a person can read. */
export class ScrapeFailure extends Error {
  constructor(
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(reason);
    this.name = 'ScrapeFailure';
  }
}
