/** A sample decoded from remote_write or OTLP, before the push's validation and limits. */
export interface ReceivedSample {
  name: string;
  value: number;
  labels: Record<string, string>;
  timestamp?: number;
  /** OTLP delta temporality: the value is an increment, stored as a running total. */
  delta?: boolean;
}
