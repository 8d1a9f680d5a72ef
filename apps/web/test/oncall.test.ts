import { describe, expect, it } from 'vitest';
import {
  describeMatch,
  describeSchedule,
  detailParts,
  labelsFromRows,
  matchesEverything,
  rowsFromLabels,
  silenceState,
  targetHref,
  targetText,
  targetTypeOfAction,
  windowRowId,
} from '../src/lib/oncall/oncall.ts';

describe('silence and window matchers', () => {
  it('turns label rows into a map, skipping blank rows and refusing half-filled or repeated ones', () => {
    expect(
      labelsFromRows([
        { key: ' host ', value: ' a ' },
        { key: '', value: '' },
      ]),
    ).toEqual({ labels: { host: 'a' }, error: null });
    expect(labelsFromRows([{ key: '', value: 'a' }]).error).toMatch(/needs a name/);
    expect(
      labelsFromRows([
        { key: 'host', value: 'a' },
        { key: 'host', value: 'b' },
      ]).error,
    ).toMatch(/twice/);
    // An empty value is a real matcher (the label must be empty), not a blank row.
    expect(labelsFromRows([{ key: 'env', value: '' }])).toEqual({ labels: { env: '' }, error: null });
  });

  it('prefills rows from an alert’s labels in a stable order', () => {
    expect(rowsFromLabels({ region: 'eu', host: 'a' })).toEqual([
      { key: 'host', value: 'a' },
      { key: 'region', value: 'eu' },
    ]);
    expect(rowsFromLabels(undefined)).toEqual([]);
  });

  it('says what a matcher covers, and flags one that covers everything', () => {
    expect(describeMatch({ rule: 'High CPU', labels: { host: 'a' } })).toBe('rule High CPU, host=a');
    expect(describeMatch({ labels: {} })).toBe('every alert');
    expect(matchesEverything({ rule: '', labels: {} })).toBe(true);
    expect(matchesEverything({ labels: { host: 'a' } })).toBe(false);
  });
});

describe('silence state', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const at = (iso: string) => new Date(iso).toISOString();
  it('tells active, scheduled, ended and run-out silences apart', () => {
    const base = { startsAt: at('2026-03-01T11:00:00Z'), endsAt: at('2026-03-01T13:00:00Z'), endedAt: null };
    expect(silenceState(base, now)).toBe('active');
    expect(silenceState({ ...base, startsAt: at('2026-03-01T12:30:00Z') }, now)).toBe('scheduled');
    expect(silenceState({ ...base, endsAt: at('2026-03-01T12:00:00Z') }, now)).toBe('expired');
    expect(silenceState({ ...base, endedAt: at('2026-03-01T11:30:00Z') }, now)).toBe('ended');
  });
});

describe('maintenance schedules', () => {
  it('reads daily, weekly and cron schedules as sentences, days in week order', () => {
    expect(describeSchedule({ every: 'daily', at: '02:00', durationMs: 3_600_000, timezone: 'UTC' })).toBe('Daily at 02:00 for 1 h (UTC)');
    expect(describeSchedule({ every: 'weekly', at: '22:30', days: ['thu', 'mon'], durationMs: 5_400_000, timezone: 'Europe/Lisbon' })).toBe(
      'Weekly on Mon, Thu at 22:30 for 1 h 30 min (Europe/Lisbon)',
    );
    expect(describeSchedule({ every: 'cron', cron: '0 3 * * 1-5', durationMs: 1_800_000, timezone: 'UTC' })).toBe('Cron 0 3 * * 1-5 for 30 min (UTC)');
  });

  it('finds the row id of API windows, and none for those of monitoring.yaml', () => {
    expect(windowRowId('12')).toBe(12);
    expect(windowRowId('config:Nightly backup')).toBeNull();
  });
});

describe('audit rows', () => {
  it('narrows an action filter to its target type on the server', () => {
    expect(targetTypeOfAction('silence.create')).toBe('silence');
    expect(targetTypeOfAction('maintenance.delete')).toBe('maintenance_window');
    expect(targetTypeOfAction('alert.acknowledge')).toBe('alert');
    expect(targetTypeOfAction('something.new')).toBeUndefined();
  });

  it('links targets the dashboard has a page for', () => {
    expect(targetHref({ targetType: 'alert', targetId: 'a b' })).toBe('/alerts/a%20b');
    expect(targetHref({ targetType: 'silence', targetId: '3' })).toBe('/silences?ended=1');
    expect(targetHref({ targetType: 'user', targetId: '1' })).toBeNull();
    expect(targetText({ targetType: 'silence', targetId: '3' })).toBe('silence #3');
    expect(targetText({ targetType: 'alert', targetId: 'c59b3889-8ca6-4876-8ac8-969b2e866cec' })).toBe('alert c59b3889');
  });

  it('words an action’s detail, with times and matchers made readable', () => {
    const parts = detailParts({ nested: { a: 1 }, comment: 'deploy', endsAt: 2, via: undefined, startsAt: 1, match: { rule: 'R', labels: { host: 'a' } } }, (t) => `T${t}`);
    expect(parts).toEqual([
      ['matches', 'rule R, host=a'],
      ['from', 'T1'],
      ['until', 'T2'],
      ['comment', 'deploy'],
      ['nested', '{"a":1}'],
    ]);
    expect(detailParts(null, String)).toEqual([]);
  });
});
