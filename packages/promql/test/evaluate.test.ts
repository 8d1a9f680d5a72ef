import { describe, expect, it } from 'vitest';
import { MemorySource, PromqlError, formatValue, instantQuery, rangeQuery, type RawSeries } from '../src/index.ts';

const S = 1000;
const T0 = 1_700_000_000_000;

/** A series sampled every `every` ms from T0, values from `value(i)`. */
function series(labels: Record<string, string>, count: number, value: (i: number) => number, every = 15 * S): RawSeries {
  return { labels, t: Float64Array.from({ length: count }, (_, i) => T0 + i * every), v: Float64Array.from({ length: count }, (_, i) => value(i)) };
}

const cpu = (cpuId: string, mode: string, perSecond: number) => series({ __name__: 'cpu_seconds_total', cpu: cpuId, mode }, 41, (i) => i * 15 * perSecond);
const source = new MemorySource([
  cpu('0', 'user', 1),
  cpu('0', 'idle', 2),
  cpu('1', 'user', 3),
  cpu('1', 'idle', 4),
  series({ __name__: 'temp', room: 'a' }, 41, () => 20),
  series({ __name__: 'temp', room: 'b' }, 41, () => 25),
  series({ __name__: 'limit', room: 'a', team: 'x' }, 41, () => 30),
  // A counter that restarts at sample 20.
  series({ __name__: 'requests_total', job: 'api' }, 41, (i) => (i < 20 ? i * 10 : (i - 20) * 10)),
  // A histogram: 10 observations ≤0.1, 30 more ≤0.5, 10 more beyond, over the whole time.
  series({ __name__: 'latency_bucket', le: '0.1' }, 41, (i) => i * 10),
  series({ __name__: 'latency_bucket', le: '0.5' }, 41, (i) => i * 40),
  series({ __name__: 'latency_bucket', le: '+Inf' }, 41, (i) => i * 50),
]);

const at = (seconds: number) => T0 + seconds * S;
const values = async (query: string, seconds: number) => {
  const r = await instantQuery(query, at(seconds), source);
  if (r.resultType !== 'vector') throw new Error(`not a vector: ${r.resultType}`);
  return Object.fromEntries(r.result.map((s) => [JSON.stringify(s.metric), Number(s.value[1])]));
};

describe('selectors', () => {
  it('applies every matcher type', async () => {
    expect(Object.keys(await values('cpu_seconds_total{mode="user", cpu!="1"}', 300))).toEqual(['{"__name__":"cpu_seconds_total","cpu":"0","mode":"user"}']);
    expect(Object.keys(await values('cpu_seconds_total{mode=~"us.*", cpu!~"0"}', 300))).toEqual(['{"__name__":"cpu_seconds_total","cpu":"1","mode":"user"}']);
    expect(Object.keys(await values('{__name__=~"temp|limit", room="a"}', 300))).toHaveLength(2);
  });

  it('finds the newest sample within the 5 minute lookback, and none after it', async () => {
    // The last sample is at 600 s.
    expect(await values('temp{room="a"}', 607)).toEqual({ '{"__name__":"temp","room":"a"}': 20 });
    expect(await values('temp{room="a"}', 900)).toEqual({ '{"__name__":"temp","room":"a"}': 20 });
    expect(await values('temp{room="a"}', 901)).toEqual({});
  });

  it('reads earlier samples with offset', async () => {
    expect(await values('cpu_seconds_total{cpu="0",mode="user"} offset 1m', 300)).toEqual({ '{"__name__":"cpu_seconds_total","cpu":"0","mode":"user"}': 240 });
  });
});

describe('range functions', () => {
  it('rate, increase, irate and delta follow Prometheus', async () => {
    expect(await values('rate(cpu_seconds_total{cpu="1",mode="idle"}[1m])', 300)).toEqual({ '{"cpu":"1","mode":"idle"}': 4 });
    expect(await values('increase(cpu_seconds_total{cpu="1",mode="idle"}[1m])', 300)).toEqual({ '{"cpu":"1","mode":"idle"}': 240 });
    expect(await values('irate(cpu_seconds_total{cpu="0",mode="user"}[1m])', 300)).toEqual({ '{"cpu":"0","mode":"user"}': 1 });
    expect(await values('delta(temp{room="b"}[5m])', 300)).toEqual({ '{"room":"b"}': 0 });
  });

  it('extrapolates a window that the samples do not fill', async () => {
    // At 307 s the 1m window [247, 307] holds samples 255..300 (4 samples, 45 s).
    const { '{"cpu":"0","mode":"user"}': rate } = await values('rate(cpu_seconds_total{cpu="0",mode="user"}[1m])', 307);
    // 45 in 45 s, stretched to the window edges: 8 s before and 7 s after → 60 s → 60 / 60.
    expect(rate).toBeCloseTo(1, 10);
  });

  it('corrects counter resets', async () => {
    // Samples 18..21 at 270..315 s: 180, 190, 0, 10: +10, then a restart (counts from 0), +10.
    const r = await values('increase(requests_total[45s])', 315);
    expect(r['{"job":"api"}']).toBeCloseTo(20, 10);
  });

  it('has the *_over_time family', async () => {
    const r = await values('max_over_time(requests_total[1m]) - min_over_time(requests_total[1m])', 600);
    expect(r['{"job":"api"}']).toBe(40);
    expect(await values('count_over_time(temp{room="a"}[1m])', 600)).toEqual({ '{"room":"a"}': 5 });
    expect(await values('avg_over_time(temp[10m])', 600)).toEqual({ '{"room":"a"}': 20, '{"room":"b"}': 25 });
    expect(await values('last_over_time(temp{room="a"}[10m])', 600)).toEqual({ '{"__name__":"temp","room":"a"}': 20 });
  });
});

describe('aggregations', () => {
  it('sums by and without labels', async () => {
    expect(await values('sum by (mode) (rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{"mode":"user"}': 4, '{"mode":"idle"}': 6 });
    expect(await values('sum without (cpu) (rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{"mode":"user"}': 4, '{"mode":"idle"}': 6 });
    expect(await values('avg(rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{}': 2.5 });
    expect(await values('max by (cpu) (rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{"cpu":"0"}': 2, '{"cpu":"1"}': 4 });
    expect(await values('min(rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{}': 1 });
    expect(await values('count by (mode) (cpu_seconds_total)', 300)).toEqual({ '{"mode":"user"}': 2, '{"mode":"idle"}': 2 });
  });

  it('topk keeps the chosen series with their labels', async () => {
    expect(await values('topk(2, rate(cpu_seconds_total[1m]))', 300)).toEqual({ '{"cpu":"1","mode":"idle"}': 4, '{"cpu":"1","mode":"user"}': 3 });
    expect(await values('bottomk by (cpu) (1, cpu_seconds_total)', 300)).toEqual({
      '{"__name__":"cpu_seconds_total","cpu":"0","mode":"user"}': 300,
      '{"__name__":"cpu_seconds_total","cpu":"1","mode":"user"}': 900,
    });
  });
});

describe('binary operators', () => {
  it('with scalars', async () => {
    expect(await values('temp * 2 + 1', 300)).toEqual({ '{"room":"a"}': 41, '{"room":"b"}': 51 });
    expect(await values('temp > 22', 300)).toEqual({ '{"__name__":"temp","room":"b"}': 25 });
    expect(await values('temp > bool 22', 300)).toEqual({ '{"room":"a"}': 0, '{"room":"b"}': 1 });
    const scalar = await instantQuery('2 ^ 3 - 1', at(300), source);
    expect(scalar).toEqual({ resultType: 'scalar', result: [at(300) / 1000, '7'] });
  });

  it('matches vectors on and ignoring labels, with group_left', async () => {
    expect(await values('temp / on(room) limit', 300)).toEqual({ '{"room":"a"}': 20 / 30 });
    expect(await values('temp / ignoring(team) limit', 300)).toEqual({ '{"room":"a"}': 20 / 30 });
    expect(await values('temp / limit', 300)).toEqual({});
    expect(await values('limit / on(room) group_left temp', 300)).toEqual({ '{"room":"a","team":"x"}': 1.5 });
    expect(await values('temp * on(room) group_left(team) limit', 300)).toEqual({ '{"room":"a","team":"x"}': 600 });
  });

  it('has and, or and unless', async () => {
    expect(Object.keys(await values('temp and on(room) limit', 300))).toEqual(['{"__name__":"temp","room":"a"}']);
    expect(Object.keys(await values('temp unless on(room) limit', 300))).toEqual(['{"__name__":"temp","room":"b"}']);
    expect(Object.keys(await values('temp{room="a"} or temp', 300))).toHaveLength(2);
  });

  it('refuses many-to-many matches', async () => {
    await expect(instantQuery('temp + on() limit', at(300), source)).rejects.toThrow(/multiple matches|many-to-many/);
    await expect(instantQuery('limit + on() temp', at(300), source)).rejects.toThrow(/many-to-many/);
  });
});

describe('histogram_quantile', () => {
  it('interpolates within the bucket that holds the rank', async () => {
    // 50 per second: 10 ≤ 0.1, 40 ≤ 0.5. The median (rank 25) is 15/30 of the way from 0.1 to 0.5.
    const r = await values('histogram_quantile(0.5, rate(latency_bucket[1m]))', 300);
    expect(r['{}']).toBeCloseTo(0.1 + 0.4 * (15 / 30), 10);
    // Beyond the last finite bucket: its upper bound.
    expect((await values('histogram_quantile(0.99, rate(latency_bucket[1m]))', 300))['{}']).toBe(0.5);
  });
});

describe('range queries', () => {
  it('evaluates at start + k × step, unaligned start kept', async () => {
    const r = await rangeQuery('sum(rate(cpu_seconds_total[1m]))', at(61), at(181), 60 * S, source);
    expect(r.result).toHaveLength(1);
    expect(r.result[0]!.values.map(([t]) => t)).toEqual([at(61) / 1000, at(121) / 1000, at(181) / 1000]);
    for (const [, v] of r.result[0]!.values) expect(Number(v)).toBeCloseTo(10, 10);
  });

  it('returns a scalar as one series, and refuses a range vector', async () => {
    const r = await rangeQuery('time()', at(0), at(60), 30 * S, source);
    expect(r.result[0]!.values.map((v) => v[0])).toEqual([at(0) / 1000, at(30) / 1000, at(60) / 1000]);
    await expect(rangeQuery('temp[1m]', at(0), at(60), 30 * S, source)).rejects.toThrow('invalid expression type "range vector" for range query');
    await expect(rangeQuery('temp', at(0), at(60 * 60 * 24 * 30), 1 * S, source)).rejects.toThrow(/11,000 points/);
  });

  it('returns a range vector of raw samples from an instant query', async () => {
    const r = await instantQuery('temp{room="a"}[30s]', at(300), source);
    expect(r.resultType).toBe('matrix');
    expect(r.result).toEqual([
      {
        metric: { __name__: 'temp', room: 'a' },
        values: [
          [at(270) / 1000, '20'],
          [at(285) / 1000, '20'],
          [at(300) / 1000, '20'],
        ],
      },
    ]);
  });
});

describe('errors', () => {
  it('names an unsupported function', async () => {
    const error = await instantQuery('predict_linear(temp[5m], 3600)', at(300), source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromqlError);
    expect((error as PromqlError).message).toContain('function "predict_linear" is not supported');
    expect((error as PromqlError).errorType).toBe('bad_data');
  });

  it('reports syntax and type errors as bad_data', async () => {
    await expect(instantQuery('sum(', at(0), source)).rejects.toThrow(/parse error/);
    await expect(instantQuery('rate(temp)', at(0), source)).rejects.toThrow('expected type range vector in call to function "rate", got instant vector');
    await expect(instantQuery('{job=""}', at(0), source)).rejects.toThrow(/at least one non-empty matcher/);
    await expect(instantQuery('temp[5m:1m]', at(0), source)).rejects.toThrow(/subqueries are not supported/);
  });
});

describe('formatValue', () => {
  it('writes numbers as Prometheus does', () => {
    expect([1, 0.5, -2, 1e21, 1.5e-7, Infinity, -Infinity, NaN].map(formatValue)).toEqual(['1', '0.5', '-2', '1000000000000000000000', '0.00000015', '+Inf', '-Inf', 'NaN']);
  });
});
