import type { MetricDescriptor } from '@vigia/plugin-sdk';

export const metrics: Record<string, MetricDescriptor> = {
  api_request_rate: { help: 'Requests per second over the last interval (from <prefix>metrics:request_count)', unit: '1/s' },
  api_error_rate: { help: 'Share of the requests in the last interval that failed (error_count / request_count deltas, percent)', unit: '%' },
  api_response_time_p50: { help: 'Median response time of the requests recorded since the previous tick (nearest rank)', unit: 's' },
  api_response_time_p95: { help: '95th percentile response time of the requests recorded since the previous tick (nearest rank)', unit: 's' },
  api_response_time_p99: { help: '99th percentile response time of the requests recorded since the previous tick (nearest rank)', unit: 's' },
  api_response_time_avg: { help: 'Mean response time of the requests recorded since the previous tick', unit: 's' },
  api_requests_total: { help: 'Requests counted by the applications (the request_count key)' },
  api_errors_total: { help: 'Failed requests counted by the applications (the error_count key)' },
  api_response_times_consumed: { help: 'Response times taken from the list this tick (valid or not; overflow not included)' },
};
