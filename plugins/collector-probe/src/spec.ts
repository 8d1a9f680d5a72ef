/**
 * One probe as @vigia/config hands it over (monitoring.yaml `probes:`, validated and normalised
 * there: durations in ms, status ranges parsed).
 */
export type ProbeCheck =
  | {
      type: 'http';
      url: string;
      method: string;
      headers: Record<string, string>;
      body?: string;
      expectStatus: [number, number][];
      keyword?: string;
      keywordAbsent?: string;
      jsonPath?: string;
      equals?: string | number | boolean | null;
      followRedirects: boolean;
      tlsVerify: boolean;
    }
  | { type: 'tcp'; host: string; port: number }
  | { type: 'dns'; name: string; recordType: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'TXT'; server?: string; expect?: string[] }
  | { type: 'tls'; host: string; port: number; tlsVerify: boolean }
  | { type: 'postgres'; url: string; query: string }
  | { type: 'redis'; url: string };

export interface ProbeSpec {
  name: string;
  intervalMs: number;
  timeoutMs: number;
  labels: Record<string, string>;
  check: ProbeCheck;
}

/** What one run of a check found. A failed check is an outcome, not an exception. */
export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed, worded for a person ("connection refused 10.0.0.5:443"). */
  reason?: string;
  httpStatus?: number;
  /** Days until the certificate of a TLS target expires (negative once it has). */
  tlsDaysLeft?: number;
}

/** Thrown inside a check to end it with a reason a person can read. */
export class ProbeFailure extends Error {
  constructor(
    readonly reason: string,
    readonly details: Omit<ProbeOutcome, 'ok' | 'reason'> = {},
  ) {
    super(reason);
    this.name = 'ProbeFailure';
  }
}
