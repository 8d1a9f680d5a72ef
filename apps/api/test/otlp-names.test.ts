import { describe, expect, it } from 'vitest';
import { labelName, metricName, resourceLabels } from '../src/receive/otlp-names.ts';

describe('OTLP names as Prometheus names', () => {
  it('turns dots into underscores and appends the unit as Prometheus does', () => {
    expect(metricName('http.server.request.duration', 's', 'other')).toBe('http_server_request_duration_seconds');
    expect(metricName('process.memory.usage', 'By', 'gauge')).toBe('process_memory_usage_bytes');
    expect(metricName('network.io', 'By/s', 'gauge')).toBe('network_io_bytes_per_second');
    expect(metricName('cpu.utilization', '1', 'gauge')).toBe('cpu_utilization_ratio');
    expect(metricName('queue.depth', '{orders}', 'gauge')).toBe('queue_depth');
    // A name already ending in its unit gets it once.
    expect(metricName('request_duration_seconds', 's', 'other')).toBe('request_duration_seconds');
  });

  it('ends monotonic sums in _total, after the unit', () => {
    expect(metricName('orders.placed', '', 'counter')).toBe('orders_placed_total');
    expect(metricName('bytes.sent', 'By', 'counter')).toBe('bytes_sent_bytes_total');
    expect(metricName('jobs_total', '1', 'counter')).toBe('jobs_total');
  });

  it('maps attribute keys to valid, unreserved label names', () => {
    expect(labelName('http.response.status_code')).toBe('http_response_status_code');
    expect(labelName('1st.try')).toBe('key_1st_try');
    expect(labelName('__reserved')).toBe('key__reserved');
  });

  it('takes job from service.namespace/service.name and instance from service.instance.id', () => {
    const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
    expect(resourceLabels([kv('service.name', 'checkout'), kv('service.instance.id', 'pod-7'), kv('host.name', 'web-1')])).toEqual({ job: 'checkout', instance: 'pod-7', host_name: 'web-1' });
    expect(resourceLabels([kv('service.namespace', 'shop'), kv('service.name', 'checkout')])).toEqual({ job: 'shop/checkout' });
    expect(
      resourceLabels([
        { key: 'process.pid', value: { intValue: 42 } },
        { key: 'cloud.regions', value: { arrayValue: { values: [{ stringValue: 'eu' }] } } },
      ]),
    ).toEqual({ process_pid: '42', cloud_regions: '["eu"]' });
  });
});
