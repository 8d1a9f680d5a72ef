import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from '../src/index.ts';

const problem = (text: string, format: 'prometheus' | 'openmetrics' = 'prometheus') => {
  try {
    parseExposition(text, format);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpositionError);
    return (error as Error).message;
  }
  throw new Error('expected the page to be refused');
};

describe('the Prometheus text format', () => {
  it('reads samples with labels, escapes, timestamps, NaN and ±Inf, and HELP/TYPE', () => {
    const page = [
      '# HELP http_requests_total Requests by code.\\nTwo lines.',
      '# TYPE http_requests_total counter',
      'http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027 1395066363000',
      'http_requests_total{code="500",} 3',
      '# a plain comment',
      '',
      'temperature\t-1.5e3',
      'weird{ a = "x" , b="y"}   +Inf',
      'no_value_yet NaN\r',
      'negative -Inf',
    ].join('\n');
    const parsed = parseExposition(page, 'prometheus');
    expect(parsed.samples).toEqual([
      { name: 'http_requests_total', labels: { code: '200', path: '/a"b\\c\nd' }, value: 1027, timestamp: 1395066363000 },
      { name: 'http_requests_total', labels: { code: '500' }, value: 3 },
      { name: 'temperature', labels: {}, value: -1500 },
      { name: 'weird', labels: { a: 'x', b: 'y' }, value: Number.POSITIVE_INFINITY },
      { name: 'no_value_yet', labels: {}, value: Number.NaN },
      { name: 'negative', labels: {}, value: Number.NEGATIVE_INFINITY },
    ]);
    expect(parsed.types.get('http_requests_total')).toBe('counter');
    expect(parsed.help.get('http_requests_total')).toBe('Requests by code.\nTwo lines.');
  });

  it('keeps every label set of a histogram and a summary under their Prometheus names', () => {
    const page = `# TYPE rpc_seconds histogram
rpc_seconds_bucket{method="get",le="0.1"} 5
rpc_seconds_bucket{method="get",le="+Inf"} 9
rpc_seconds_sum{method="get"} 2.5
rpc_seconds_count{method="get"} 9
rpc_seconds_bucket{method="put",le="0.1"} 1
rpc_seconds_bucket{method="put",le="+Inf"} 2
rpc_seconds_sum{method="put"} 0.4
rpc_seconds_count{method="put"} 2
# TYPE gc_seconds summary
gc_seconds{quantile="0.5"} 0.001
gc_seconds_sum 0.3
gc_seconds_count 12
`;
    const { samples } = parseExposition(page, 'prometheus');
    expect(samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)).toEqual([
      'rpc_seconds_bucket{"method":"get","le":"0.1"} 5',
      'rpc_seconds_bucket{"method":"get","le":"+Inf"} 9',
      'rpc_seconds_sum{"method":"get"} 2.5',
      'rpc_seconds_count{"method":"get"} 9',
      'rpc_seconds_bucket{"method":"put","le":"0.1"} 1',
      'rpc_seconds_bucket{"method":"put","le":"+Inf"} 2',
      'rpc_seconds_sum{"method":"put"} 0.4',
      'rpc_seconds_count{"method":"put"} 2',
      'gc_seconds{"quantile":"0.5"} 0.001',
      'gc_seconds_sum{} 0.3',
      'gc_seconds_count{} 12',
    ]);
  });

  it('refuses a page that does not parse, naming the line', () => {
    expect(problem('ok 1\n<html><body>Not metrics</body></html>\n')).toBe('line 2: expected a metric name at column 1, found "<html><bod"');
    expect(problem('ok 1\ngarbage here {{{\n')).toBe('line 2: "here" is not a number (value of garbage)');
    expect(problem('a{b="c} 1\n')).toBe('line 1: label value is not closed with "');
    expect(problem('a{b="\\x"} 1\n')).toBe('line 1: unknown escape \\x in a label value (only \\\\, \\" and \\n)');
    expect(problem('a{b="1",b="2"} 1\n')).toBe('line 1: label b appears twice');
    expect(problem('a{b="1" c="2"} 1\n')).toBe('line 1: expected , or } after the value of label b');
    expect(problem('lonely\n')).toBe('line 1: lonely has no value');
    expect(problem('a 1 12.5\n')).toBe('line 1: "12.5" is not a timestamp (whole milliseconds)');
    expect(problem('a 1 2 3\n')).toBe('line 1: unexpected "3" after the value of a');
    expect(problem('a 0x10\n')).toBe('line 1: "0x10" is not a number (value of a)');
    expect(problem('# TYPE a countr\na 1\n')).toBe('line 1: unknown type "countr" for a (counter, gauge, histogram, summary, untyped)');
    expect(problem('# TYPE a gauge\n# TYPE a counter\n')).toBe('line 2: second # TYPE for a');
    // An exemplar is OpenMetrics only.
    expect(problem('a_total 1 # {trace_id="x"} 1\n')).toBe('line 1: unexpected "# {trace_id=\\"x\\"} 1" after the value of a_total');
  });
});

describe('OpenMetrics', () => {
  const page = `# TYPE requests counter
# UNIT requests requests
# HELP requests Requests served.
requests_total{path="/"} 17 1700000000.250 # {trace_id="4bf92f3577b34da6"} 1 1700000000.1
requests_created{path="/"} 1699990000
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.5"} 3 # {trace_id="a"} 0.2
latency_seconds_bucket{le="+Inf"} 4
latency_seconds_sum 1.7
latency_seconds_count 4
latency_seconds_created 1699990000
# TYPE build info
build_info{version="1.2.3"} 1
# TYPE feature stateset
feature{feature="a"} 1
feature{feature="b"} 0
# EOF
`;

  it('reads counters, histograms with exemplars, info and stateset; skips _created; timestamps are seconds', () => {
    const { samples, types } = parseExposition(page, 'openmetrics');
    expect(samples).toEqual([
      { name: 'requests_total', labels: { path: '/' }, value: 17, timestamp: 1700000000250 },
      { name: 'latency_seconds_bucket', labels: { le: '0.5' }, value: 3 },
      { name: 'latency_seconds_bucket', labels: { le: '+Inf' }, value: 4 },
      { name: 'latency_seconds_sum', labels: {}, value: 1.7 },
      { name: 'latency_seconds_count', labels: {}, value: 4 },
      { name: 'build_info', labels: { version: '1.2.3' }, value: 1 },
      { name: 'feature', labels: { feature: 'a' }, value: 1 },
      { name: 'feature', labels: { feature: 'b' }, value: 0 },
    ]);
    expect(types.get('requests')).toBe('counter');
  });

  it('needs # EOF at the end, and nothing after it', () => {
    expect(problem('a_total 1\n', 'openmetrics')).toBe('line 2: an OpenMetrics page must end with # EOF (cut short?)');
    expect(problem('a 1\n# EOF\nb 2\n', 'openmetrics')).toBe('line 3: text after # EOF');
    expect(problem('a 1 # trace\n# EOF\n', 'openmetrics')).toBe('line 1: an exemplar needs its labels in { }');
    expect(problem('# TYPE a untyped\n# EOF\n', 'openmetrics')).toMatch(/^line 1: unknown type "untyped" for a \(counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown\)$/);
  });
});
