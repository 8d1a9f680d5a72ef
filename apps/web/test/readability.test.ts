import { describe, expect, it } from 'vitest';
import { isolatedPoints } from '../src/lib/chart/chart-data.ts';
import { factLabel } from '../src/lib/format/fact-label.ts';

describe('points a line cannot show', () => {
  it('marks a lone value, and one between gaps, but none that a line joins', () => {
    expect(isolatedPoints([5])).toEqual([0]);
    expect(isolatedPoints([1, 2, 3])).toBeNull();
    expect(isolatedPoints([1, 2, null, 4, null, 6, 7])).toEqual([3]);
    // Undefined entries belong to another line's instants: the line spans them.
    expect(isolatedPoints([1, undefined, 2])).toBeNull();
    expect(isolatedPoints([undefined, 3, undefined])).toEqual([1]);
    expect(isolatedPoints([9, null, 1, 2], 2, 3)).toBeNull();
  });
});

describe('labels for published facts', () => {
  it('reads keys as words and keeps names written one way', () => {
    expect(factLabel('pgStatStatementsReason')).toBe('pg_stat_statements reason');
    expect(factLabel('pgStatStatements')).toBe('pg_stat_statements');
    expect(factLabel('maxmemoryPolicy')).toBe('Maxmemory policy');
    expect(factLabel('memory_total_bytes')).toBe('Memory total bytes');
  });
});
