import protobuf from 'protobufjs';

/**
 * OTLP metrics, v1 (opentelemetry-proto: collector/metrics/v1/metrics_service.proto,
 * metrics/v1/metrics.proto, common/v1/common.proto, resource/v1/resource.proto), the parts a
 * receiver reads. Field numbers are the spec's; exemplars and other fields left out are skipped
 * as unknown fields. The exponential histogram is declared so its points can be counted and
 * refused by name.
 */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;

message ExportMetricsServiceRequest {
  repeated ResourceMetrics resource_metrics = 1;
}

message ExportMetricsServiceResponse {
  ExportMetricsPartialSuccess partial_success = 1;
}

message ExportMetricsPartialSuccess {
  int64 rejected_data_points = 1;
  string error_message = 2;
}

message Status {
  int32 code = 1;
  string message = 2;
}

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}

message ArrayValue {
  repeated AnyValue values = 1;
}

message KeyValueList {
  repeated KeyValue values = 1;
}

message KeyValue {
  string key = 1;
  AnyValue value = 2;
}

message Resource {
  repeated KeyValue attributes = 1;
}

message InstrumentationScope {
  string name = 1;
  string version = 2;
}

message ResourceMetrics {
  Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
}

message ScopeMetrics {
  InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
}

message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10;
    Summary summary = 11;
  }
}

enum AggregationTemporality {
  AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
  AGGREGATION_TEMPORALITY_DELTA = 1;
  AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
}

message Gauge {
  repeated NumberDataPoint data_points = 1;
}

message Sum {
  repeated NumberDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
  bool is_monotonic = 3;
}

message Histogram {
  repeated HistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}

message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}

message Summary {
  repeated SummaryDataPoint data_points = 1;
}

message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  uint32 flags = 8;
}

message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  uint32 flags = 10;
}

message ExponentialHistogramDataPoint {
  repeated KeyValue attributes = 1;
}

message SummaryDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}

message ValueAtQuantile {
  double quantile = 1;
  double value = 2;
}
`;

// Default (camelCase) field names: the names of OTLP/JSON, so both encodings read the same.
const root = protobuf.parse(OTLP_PROTO).root;
export const ExportRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
export const ExportResponse = root.lookupType('otlp.ExportMetricsServiceResponse');
export const RpcStatus = root.lookupType('otlp.Status');

/** toObject options that give the same plain shape from the protobuf and the JSON encoding. */
export const PLAIN = { longs: Number, enums: Number, bytes: String, arrays: true, oneofs: false } as const;

export interface KeyValue {
  key?: string;
  value?: AnyValue;
}
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface Point {
  attributes?: KeyValue[];
  startTimeUnixNano?: number;
  timeUnixNano?: number;
  flags?: number;
}
export interface NumberPoint extends Point {
  asDouble?: number;
  asInt?: number;
}
export interface HistogramPoint extends Point {
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}
export interface SummaryPoint extends Point {
  count?: number;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
}
export interface OtlpMetric {
  name?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberPoint[] };
  sum?: { dataPoints?: NumberPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints?: unknown[] };
  summary?: { dataPoints?: SummaryPoint[] };
}
export interface OtlpRequest {
  resourceMetrics?: { resource?: { attributes?: KeyValue[] }; scopeMetrics?: { metrics?: OtlpMetric[] }[] }[];
}

export const TEMPORALITY_DELTA = 1;
