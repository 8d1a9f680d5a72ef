import { describe, expect, it } from 'vitest';
import { calendar, escapeText, foldLine } from '../src/ical.ts';

describe('iCalendar text', () => {
  it('folds lines at 75 octets without splitting a UTF-8 character, continuation lines starting with a space', () => {
    const line = `SUMMARY:${'ção '.repeat(40)}`;
    const folded = foldLine(line);
    const pieces = folded.split('\r\n');
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    expect(pieces.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });

  it('escapes TEXT values and ends every line with CRLF', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const text = calendar('Primary on call', [{ uid: '1@vigia', start: Date.UTC(2026, 2, 29, 8), end: Date.UTC(2026, 2, 30, 8), summary: 'On call: ana, bruno' }], Date.UTC(2026, 0, 1));
    expect(text).toBe(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Vigia//On call//EN',
        'CALSCALE:GREGORIAN',
        'METHOD:PUBLISH',
        'X-WR-CALNAME:Primary on call',
        'BEGIN:VEVENT',
        'UID:1@vigia',
        'DTSTAMP:20260101T000000Z',
        'DTSTART:20260329T080000Z',
        'DTEND:20260330T080000Z',
        'SUMMARY:On call: ana\\, bruno',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
  });
});
