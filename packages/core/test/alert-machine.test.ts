import { describe, expect, it } from 'vitest';
import { INACTIVE, acknowledge, reduce, renderTemplate, resolveByHand, step, templateErrors, unacknowledge, type RuleSpec, type SeriesState, type NotifyReason } from '../src/index.ts';

const rule = (over: Partial<RuleSpec> = {}): RuleSpec => ({
  name: 'High CPU',
  metric: 'cpu_usage',
  operator: '>',
  threshold: 90,
  forMs: 60_000,
  severity: 'warning',
  reduce: 'last',
  windowMs: 300_000,
  keepFiringForMs: 0,
  cooldownMs: 600_000,
  noData: 'ok',
  annotations: {},
  ...over,
});

/** Feeds values one per `every` ms and returns the notifications sent and the final state. */
function run(r: RuleSpec, values: (number | null)[], every = 10_000, start: SeriesState = INACTIVE) {
  let state = start;
  let n = 0;
  const sent: { at: number; reason: NotifyReason; episode: string }[] = [];
  values.forEach((v, i) => {
    const now = i * every;
    const s = step(state, v, r, now, () => `ep${++n}`);
    state = s.state;
    if (s.notify) sent.push({ at: now, reason: s.notify, episode: state.episodeId! });
  });
  return { state, sent };
}

describe('the alert state machine', () => {
  it('goes pending, then fires once `for` has held, then resolves', () => {
    const { sent, state } = run(rule(), [95, 95, 95, 95, 95, 95, 95, 50]);
    expect(sent).toEqual([
      { at: 60_000, reason: 'new', episode: 'ep1' },
      { at: 70_000, reason: 'resolved', episode: 'ep1' },
    ]);
    expect(state.status).toBe('inactive');
  });

  it('forgets a pending condition that clears before `for`', () => {
    const { sent, state } = run(rule(), [95, 95, 50, 95, 95]);
    expect(sent).toEqual([]);
    expect(state).toMatchObject({ status: 'pending', pendingSince: 30_000 });
  });

  it('keeps the `for` countdown of a restored state', () => {
    const restored: SeriesState = { ...INACTIVE, status: 'pending', pendingSince: 0 };
    const s = step(restored, 95, rule(), 60_000, () => 'x');
    expect(s.notify).toBe('new');
  });

  it('repeats every cooldown while unacknowledged, at most max_repeats times', () => {
    const values = Array(200).fill(99); // 2000 s at 10 s
    expect(run(rule({ forMs: 0 }), values).sent.map((s) => [s.at, s.reason])).toEqual([
      [0, 'new'],
      [600_000, 'repeat'],
      [1_200_000, 'repeat'],
      [1_800_000, 'repeat'],
    ]);
    expect(run(rule({ forMs: 0, maxRepeats: 1 }), values).sent.map((s) => s.reason)).toEqual(['new', 'repeat']);
  });

  it('stops repeating once acknowledged, and tells receivers', () => {
    let s = step(INACTIVE, 99, rule({ forMs: 0 }), 0, () => 'a').state;
    const acked = acknowledge(s)!;
    expect(acked.notify).toBe('acknowledged');
    s = acked.state;
    for (let t = 10_000; t < 2_000_000; t += 10_000) {
      const next = step(s, 99, rule({ forMs: 0 }), t, () => 'b');
      expect(next.notify).toBeUndefined();
      s = next.state;
    }
    expect(step(s, 10, rule(), 2_000_000, () => 'c').notify).toBe('resolved');
    expect(acknowledge(INACTIVE)).toBeNull();
  });

  it('after un-acknowledging, repeats only once a full cooldown has passed', () => {
    let s = acknowledge(step(INACTIVE, 99, rule({ forMs: 0 }), 0, () => 'a').state)!.state;
    s = unacknowledge(s, 1_000_000)!.state;
    expect(step(s, 99, rule(), 1_500_000, () => 'x').notify).toBeUndefined();
    expect(step(s, 99, rule(), 1_600_000, () => 'x').notify).toBe('repeat');
  });

  it('sends no storm for a flapping series: one episode, at most one firing and one resolved message per cooldown', () => {
    const values = Array.from({ length: 180 }, (_, i) => (i % 2 === 0 ? 95 : 85)); // flips every 10 s for 30 min
    const { sent } = run(rule({ forMs: 0 }), values);
    expect(new Set(sent.map((s) => s.episode))).toEqual(new Set(['ep1']));
    const firing = sent.filter((s) => s.reason !== 'resolved').length;
    const resolved = sent.filter((s) => s.reason === 'resolved').length;
    expect(firing).toBeLessThanOrEqual(3); // 1800 s / 600 s cooldown
    expect(resolved).toBeLessThanOrEqual(firing);
  });

  it('holds with hysteresis until the value is past clear_threshold', () => {
    const { sent } = run(rule({ forMs: 0, clearThreshold: 80 }), [95, 85, 85, 81, 79]);
    expect(sent.map((s) => [s.at, s.reason])).toEqual([
      [0, 'new'],
      [40_000, 'resolved'],
    ]);
  });

  it('keeps firing for keep_firing_for after the condition clears', () => {
    const { sent } = run(rule({ forMs: 0, keepFiringForMs: 30_000 }), [95, 50, 50, 95, 50, 50, 50, 50]);
    expect(sent.map((s) => [s.at, s.reason])).toEqual([
      [0, 'new'],
      [70_000, 'resolved'],
    ]);
  });

  it('treats no data as the rule says', () => {
    expect(run(rule({ forMs: 0 }), [99, null]).sent.map((s) => s.reason)).toEqual(['new', 'resolved']);
    expect(run(rule({ forMs: 0, noData: 'keep' }), [99, null, null]).state.status).toBe('firing');
    expect(run(rule({ forMs: 0, noData: 'alerting' }), [null]).sent.map((s) => s.reason)).toEqual(['new']);
  });

  it('after a resolve by hand, a condition that still holds starts a new episode after `for`', () => {
    let s = step(INACTIVE, 99, rule({ forMs: 0 }), 0, () => 'one').state;
    const resolved = resolveByHand(s, 10_000)!;
    expect(resolved.notify).toBe('resolved');
    s = resolved.state;
    const again = step(s, 99, rule({ forMs: 0 }), 20_000, () => 'two');
    expect(again.notify).toBe('new');
    expect(again.state.episodeId).toBe('two');
  });
});

describe('reducers', () => {
  const pts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v, i) => ({ t: i * 1000, v }));
  it('compute window statistics', () => {
    expect(reduce(pts, 'avg')).toBe(5.5);
    expect(reduce(pts, 'p95')).toBe(10);
    expect(reduce(pts, 'p99')).toBe(10);
    expect(reduce(pts.slice(0, 4), 'max')).toBe(4);
    expect(reduce(pts, 'count')).toBe(10);
    expect(reduce([], 'last')).toBeNull();
    expect(reduce([], 'count')).toBe(0);
  });
  it('computes a rate that survives counter resets', () => {
    expect(
      reduce(
        [
          { t: 0, v: 100 },
          { t: 10_000, v: 200 },
          { t: 20_000, v: 50 },
        ],
        'rate',
      ),
    ).toBe(7.5);
  });
});

describe('annotation templates', () => {
  it('render and report unknown fields', () => {
    const ctx = { value: 93.456, threshold: 90, duration: '5m', labels: { mount: '/data' }, rule: 'High Disk', metric: 'disk_usage', severity: 'warning' };
    expect(renderTemplate('Disk {{ labels.mount }} is {{ value }}% (> {{threshold}}) for {{ duration }}', ctx)).toBe('Disk /data is 93.46% (> 90) for 5m');
    expect(templateErrors('{{ value }} {{ nope }} {{ labels.x }}')).toEqual(['unknown field {{ nope }}']);
    expect(templateErrors('{{ value')).toHaveLength(1);
  });
});
