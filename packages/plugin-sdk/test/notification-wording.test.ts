import { describe, expect, it } from 'vitest';
import { formatDuration, formatValue, safeUrl, wantsAck, whySent, type AlertNotification } from '../src/index.ts';

const firing = { reason: 'new', status: 'firing', durationSeconds: 312 } as AlertNotification;

describe('notification wording', () => {
  it('writes a value with its unit, the percent sign against the number', () => {
    expect(formatValue(93.456789, '%')).toBe('93.4568%');
    expect(formatValue(512, 'bytes')).toBe('512 bytes');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(null, '%')).toBe('no data');
  });

  it('shows the two largest units of a duration', () => {
    expect(formatDuration(312)).toBe('5m 12s');
    expect(formatDuration(97_200 + 61)).toBe('1d 3h');
    expect(formatDuration(-4)).toBe('0s');
  });

  it('says why a message was sent', () => {
    expect(whySent({ ...firing, reason: 'repeat' })).toBe('Reminder: still firing after 5m 12s and not yet resolved.');
    expect(whySent({ ...firing, reason: 'acknowledged', acknowledgedBy: 'ana', comment: 'on it' })).toBe('Acknowledged by ana: "on it"');
  });

  it('keeps only http(s) links within the length a service accepts', () => {
    expect(safeUrl('https://vigia.example.com/a')).toBe('https://vigia.example.com/a');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('not a url')).toBeUndefined();
    const long = `https://vigia.example.com/${'a'.repeat(2500)}`;
    expect(safeUrl(long)).toBeUndefined();
    expect(safeUrl(long, 3000)).toBe(long);
  });

  it('offers acknowledging only while the alert fires', () => {
    expect(wantsAck(firing)).toBe(true);
    expect(wantsAck({ ...firing, reason: 'acknowledged', status: 'acknowledged' })).toBe(false);
    expect(wantsAck({ ...firing, reason: 'test' })).toBe(false);
  });
});
