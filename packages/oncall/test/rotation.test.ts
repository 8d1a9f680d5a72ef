import { describe, expect, it } from 'vitest';
import { layerShiftAt, nowAndNext, onCallAt, shiftsBetween, type Layer, type Schedule } from '../src/index.ts';

const iso = (s: string) => Date.parse(s);
const schedule = (layers: Layer[], overrides: Schedule['overrides'] = []): Schedule => ({ name: 'Primary', timeZone: layers[0]!.timeZone, layers, overrides });
const who = (s: Schedule, at: string) => onCallAt(s, iso(at))?.user ?? null;

describe('rotation across a DST change', () => {
  it('Europe/Lisbon, daily 09:00 hand-off on the last Sunday of March: 08:59:59 goes to A, 09:00:01 to B', () => {
    // 2026-03-29 01:00 UTC clocks go from 01:00 WET to 02:00 WEST: 09:00 local is 08:00Z that day.
    const s = schedule([{ rotation: 'daily', handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno'], start: '2026-03-28' }]);
    expect(who(s, '2026-03-28T08:59:59Z')).toBeNull();
    expect(who(s, '2026-03-28T09:00:01Z')).toBe('ana');
    expect(who(s, '2026-03-29T07:59:59Z')).toBe('ana'); // 08:59:59 WEST
    expect(who(s, '2026-03-29T08:00:01Z')).toBe('bruno'); // 09:00:01 WEST
    expect(layerShiftAt(s.layers[0]!, iso('2026-03-28T12:00:00Z'))).toEqual({ start: iso('2026-03-28T09:00:00Z'), end: iso('2026-03-29T08:00:00Z'), user: 'ana' });
  });

  it('Europe/Lisbon, last Sunday of October: the shift holding the extra hour lasts 25 h and the hand-off stays at 09:00', () => {
    const s = schedule([{ rotation: 'daily', handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno'], start: '2026-10-24' }]);
    expect(who(s, '2026-10-25T08:59:59Z')).toBe('ana'); // 08:59:59 WET, after the fall-back
    expect(who(s, '2026-10-25T09:00:01Z')).toBe('bruno');
    expect(layerShiftAt(s.layers[0]!, iso('2026-10-25T00:00:00Z'))).toEqual({ start: iso('2026-10-24T08:00:00Z'), end: iso('2026-10-25T09:00:00Z'), user: 'ana' });
  });

  it('America/Sao_Paulo, November 2018 (DST began at midnight): 08:59:59 goes to A, 09:00:01 to B', () => {
    // 2018-11-04 00:00 -03 became 01:00 -02 (historic DST, dropped in 2019).
    const s = schedule([{ rotation: 'daily', handoff: '09:00', timeZone: 'America/Sao_Paulo', participants: ['ana', 'bruno'], start: '2018-11-03' }]);
    expect(who(s, '2018-11-03T11:59:59Z')).toBeNull();
    expect(who(s, '2018-11-03T12:00:01Z')).toBe('ana'); // 09:00:01 -03
    expect(who(s, '2018-11-04T10:59:59Z')).toBe('ana'); // 08:59:59 -02
    expect(who(s, '2018-11-04T11:00:01Z')).toBe('bruno'); // 09:00:01 -02
  });

  it('America/Sao_Paulo: a midnight hand-off on the day midnight did not exist happens at 01:00, the first instant after the gap', () => {
    const s = schedule([{ rotation: 'daily', handoff: '00:00', timeZone: 'America/Sao_Paulo', participants: ['ana', 'bruno'], start: '2018-11-03' }]);
    expect(who(s, '2018-11-04T02:59:59Z')).toBe('ana'); // 23:59:59 -03 on the 3rd
    expect(who(s, '2018-11-04T03:00:01Z')).toBe('bruno'); // 01:00:01 -02 on the 4th
    expect(who(s, '2018-11-05T02:00:01Z')).toBe('ana'); // 00:00:01 -02 on the 5th
  });

  it('America/Sao_Paulo, February 2019 (DST ended): the 09:00 hand-off moves to 12:00Z with the clocks', () => {
    const s = schedule([{ rotation: 'daily', handoff: '09:00', timeZone: 'America/Sao_Paulo', participants: ['ana', 'bruno'], start: '2019-02-16' }]);
    expect(who(s, '2019-02-17T11:59:59Z')).toBe('ana'); // 08:59:59 -03
    expect(who(s, '2019-02-17T12:00:01Z')).toBe('bruno');
  });

  it('weekly rotation across the March change in Lisbon: Monday 09:00 local both weeks', () => {
    const s = schedule([{ rotation: 'weekly', handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno', 'carla'], start: '2026-03-23' }]);
    expect(who(s, '2026-03-23T09:00:01Z')).toBe('ana');
    expect(who(s, '2026-03-30T07:59:59Z')).toBe('ana'); // Monday 08:59:59 WEST
    expect(who(s, '2026-03-30T08:00:01Z')).toBe('bruno');
    expect(who(s, '2026-04-06T08:00:01Z')).toBe('carla');
    expect(who(s, '2026-04-13T08:00:01Z')).toBe('ana');
    expect(layerShiftAt(s.layers[0]!, iso('2026-03-25T00:00:00Z'))?.end).toBe(iso('2026-03-30T08:00:00Z'));
  });

  it('weekly rotation across the November 2018 change in Sao Paulo', () => {
    const s = schedule([{ rotation: 'weekly', handoff: '09:00', timeZone: 'America/Sao_Paulo', participants: ['ana', 'bruno'], start: '2018-10-29' }]);
    expect(who(s, '2018-11-05T10:59:59Z')).toBe('ana'); // Monday 08:59:59 -02
    expect(who(s, '2018-11-05T11:00:01Z')).toBe('bruno');
  });

  it('custom 12-hour rotation keeps 09:00 and 21:00 local across the change', () => {
    const s = schedule([{ rotation: 'custom', length: { hours: 12 }, handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno'], start: '2026-03-28' }]);
    expect(who(s, '2026-03-28T21:00:01Z')).toBe('bruno');
    expect(who(s, '2026-03-29T08:00:01Z')).toBe('ana'); // 09:00:01 WEST
    expect(who(s, '2026-03-29T20:00:01Z')).toBe('bruno'); // 21:00:01 WEST
  });
});

describe('layers and overrides', () => {
  const base: Layer = { rotation: 'weekly', handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['ana', 'bruno'], start: '2026-01-05' };

  it('an override wins over the rotation, only within its span', () => {
    // "carla covers bruno Saturday 09:00-18:00"
    const s = schedule([base], [{ user: 'carla', start: iso('2026-01-17T09:00:00Z'), end: iso('2026-01-17T18:00:00Z') }]);
    expect(who(s, '2026-01-17T08:59:59Z')).toBe('bruno');
    expect(who(s, '2026-01-17T09:00:01Z')).toBe('carla');
    expect(onCallAt(s, iso('2026-01-17T12:00:00Z'))).toEqual({ user: 'carla', source: 'override', until: iso('2026-01-17T18:00:00Z') });
    expect(who(s, '2026-01-17T18:00:00Z')).toBe('bruno');
  });

  it('a later layer overrides an earlier one where it has someone; an override beats both', () => {
    const weekend: Layer = { rotation: 'custom', length: { days: 2 }, handoff: '09:00', timeZone: 'Europe/Lisbon', participants: ['dora'], start: '2026-01-10', end: '2026-01-12' };
    const s = schedule([base, weekend], [{ user: 'ana', start: iso('2026-01-11T00:00:00Z'), end: iso('2026-01-11T06:00:00Z') }]);
    expect(who(s, '2026-01-10T08:00:00Z')).toBe('ana');
    expect(who(s, '2026-01-10T10:00:00Z')).toBe('dora');
    expect(who(s, '2026-01-11T03:00:00Z')).toBe('ana');
    expect(who(s, '2026-01-12T08:59:59Z')).toBe('dora');
    expect(who(s, '2026-01-12T09:00:01Z')).toBe('bruno');
  });

  it('shifts in a range are the flattened result, cut at the range and merged', () => {
    const s = schedule([base], [{ user: 'carla', start: iso('2026-01-17T09:00:00Z'), end: iso('2026-01-17T18:00:00Z') }]);
    expect(shiftsBetween(s, iso('2026-01-10T00:00:00Z'), iso('2026-01-20T00:00:00Z'))).toEqual([
      { start: iso('2026-01-10T00:00:00Z'), end: iso('2026-01-12T09:00:00Z'), user: 'ana' },
      { start: iso('2026-01-12T09:00:00Z'), end: iso('2026-01-17T09:00:00Z'), user: 'bruno' },
      { start: iso('2026-01-17T09:00:00Z'), end: iso('2026-01-17T18:00:00Z'), user: 'carla' },
      { start: iso('2026-01-17T18:00:00Z'), end: iso('2026-01-19T09:00:00Z'), user: 'bruno' },
      { start: iso('2026-01-19T09:00:00Z'), end: iso('2026-01-20T00:00:00Z'), user: 'ana' },
    ]);
  });

  it('shifts across DST have 23 h and 25 h days', () => {
    const s = schedule([{ ...base, rotation: 'daily', start: '2026-03-27' }]);
    const hours = shiftsBetween(s, iso('2026-03-27T09:00:00Z'), iso('2026-03-31T08:00:00Z')).map((x) => (x.end - x.start) / 3_600_000);
    expect(hours).toEqual([24, 23, 24, 24]);
  });

  it('now and next', () => {
    const s = schedule([base]);
    const { now, next } = nowAndNext(s, iso('2026-01-14T12:00:00Z'));
    expect(now?.user).toBe('bruno');
    expect(next).toEqual({ start: iso('2026-01-19T09:00:00Z'), end: iso('2026-01-26T09:00:00Z'), user: 'ana' });
  });

  it('a one-person rotation has no hand-off: now has no end rather than the look-ahead’s, and nobody is next', () => {
    const s = schedule([{ ...base, participants: ['ana'] }]);
    expect(nowAndNext(s, iso('2026-01-14T12:00:00Z'))).toEqual({ now: { start: iso('2026-01-14T12:00:00Z'), end: null, user: 'ana' }, next: null });
    // An override ahead is a real hand-off: the shift ends there, and the override is next.
    const covered = schedule([{ ...base, participants: ['ana'] }], [{ user: 'bruno', start: iso('2026-01-17T09:00:00Z'), end: iso('2026-01-17T18:00:00Z') }]);
    expect(nowAndNext(covered, iso('2026-01-14T12:00:00Z'))).toEqual({
      now: { start: iso('2026-01-14T12:00:00Z'), end: iso('2026-01-17T09:00:00Z'), user: 'ana' },
      next: { start: iso('2026-01-17T09:00:00Z'), end: iso('2026-01-17T18:00:00Z'), user: 'bruno' },
    });
    // A layer that ends (at its hand-off time) within the look-ahead is a hand-off to nobody: the end is shown.
    const ending = schedule([{ ...base, participants: ['ana'], end: '2026-02-01' }]);
    expect(nowAndNext(ending, iso('2026-01-14T12:00:00Z')).now?.end).toBe(iso('2026-02-01T09:00:00Z'));
  });
});
