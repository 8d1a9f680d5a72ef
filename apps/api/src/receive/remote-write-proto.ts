import protobuf from 'protobufjs';

/**
 * Prometheus remote-write 1.0 (prometheus/prompb remote.proto and types.proto), only the parts a
 * receiver reads. Field numbers are the spec's; fields left out (exemplars, metadata) are skipped
 * by the decoder as unknown fields. Native histograms are declared only so they can be counted
 * and refused rather than silently dropped.
 */
const REMOTE_PROTO = `
syntax = "proto3";
package prometheus;

message WriteRequest {
  repeated TimeSeries timeseries = 1;
}

message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Histogram histograms = 4;
}

message Label {
  string name = 1;
  string value = 2;
}

message Sample {
  double value = 1;
  int64 timestamp = 2;
}

message Histogram {
  int64 timestamp = 15;
}
`;

const root = protobuf.parse(REMOTE_PROTO, { keepCase: true }).root;
export const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface DecodedWriteRequest {
  timeseries?: {
    labels?: { name?: string; value?: string }[];
    samples?: { value?: number; timestamp?: number | { toNumber(): number } }[];
    histograms?: unknown[];
  }[];
}
