import { describe, expect, it } from 'vitest';
import { toLiveSample } from '@vigia/live';
import { sampleSchema, type Sample } from '@vigia/plugin-sdk';
import { isSampleShaped, liveSampleOf, shapedSample } from '../src/sample-shape.ts';

const labels32 = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`l${i}`, 'v']));
const labels33 = { ...labels32, l32: 'v' };

// JSON values, as a push body holds them: each must get the same answer as sampleSchema gives.
const cases: [string, unknown][] = [
  ['a plain sample', { name: 'orders_created', value: 3 }],
  ['every field', { name: 'a:b_c', value: -1.5, labels: { shop: 'north', _x: '' }, unit: 'orders', timestamp: 1_700_000_000_000 }],
  ['extra keys', { name: 'x', value: 1, extra: { anything: true } }],
  ['null', null],
  ['a number', 3],
  ['a string', 'x'],
  ['an array', [{ name: 'x', value: 1 }]],
  ['no name', { value: 1 }],
  ['a name with a space', { name: 'bad name', value: 1 }],
  ['a name starting with a digit', { name: '1x', value: 1 }],
  ['a name of 200 characters', { name: 'n'.repeat(200), value: 1 }],
  ['a name of 201 characters', { name: 'n'.repeat(201), value: 1 }],
  ['a numeric name', { name: 5, value: 1 }],
  ['no value', { name: 'x' }],
  ['a string value', { name: 'x', value: '1' }],
  ['a null value', { name: 'x', value: null }],
  ['labels as an array', { name: 'x', value: 1, labels: ['a'] }],
  ['labels as null', { name: 'x', value: 1, labels: null }],
  ['labels as a string', { name: 'x', value: 1, labels: 'a=b' }],
  ['a label name with a dash', { name: 'x', value: 1, labels: { 'a-b': 'v' } }],
  ['a reserved label name', { name: 'x', value: 1, labels: { __name: 'v' } }],
  ['a numeric label value', { name: 'x', value: 1, labels: { a: 1 } }],
  ['a label value of 1024 characters', { name: 'x', value: 1, labels: { a: 'v'.repeat(1024) } }],
  ['a label value of 1025 characters', { name: 'x', value: 1, labels: { a: 'v'.repeat(1025) } }],
  ['32 labels', { name: 'x', value: 1, labels: labels32 }],
  ['33 labels', { name: 'x', value: 1, labels: labels33 }],
  ['no labels', { name: 'x', value: 1, labels: {} }],
  ['a unit of 32 characters', { name: 'x', value: 1, unit: 'u'.repeat(32) }],
  ['a unit of 33 characters', { name: 'x', value: 1, unit: 'u'.repeat(33) }],
  ['a numeric unit', { name: 'x', value: 1, unit: 1 }],
  ['a fractional timestamp', { name: 'x', value: 1, timestamp: 1.5 }],
  ['a zero timestamp', { name: 'x', value: 1, timestamp: 0 }],
  ['a negative timestamp', { name: 'x', value: 1, timestamp: -5 }],
  ['a timestamp past 2^53', { name: 'x', value: 1, timestamp: 2 ** 60 }],
  ['a string timestamp', { name: 'x', value: 1, timestamp: '1700000000000' }],
  ['a null timestamp', { name: 'x', value: 1, timestamp: null }],
];

describe('the structural check before zod', () => {
  it.each(cases)('answers as sampleSchema does for %s', (_, item) => {
    expect(isSampleShaped(item)).toBe(sampleSchema.safeParse(item).success);
  });

  it.each(cases.filter(([, item]) => isSampleShaped(item)))('gives what sampleSchema outputs for %s', (_, item) => {
    expect(shapedSample(item as Sample)).toStrictEqual(sampleSchema.parse(item));
  });

  it.each(cases.filter(([, item]) => isSampleShaped(item)))('makes the live sample toLiveSample makes of the schema output for %s', (_, item) => {
    const now = 1_800_000_000_000;
    const live = liveSampleOf(item as Sample, now);
    expect(live).toStrictEqual(toLiveSample(sampleSchema.parse(item), now));
    // Its own labels: a caller's object is never carried on (nor mutated) downstream.
    if ((item as Sample).labels) expect(live.labels).not.toBe((item as Sample).labels);
  });
});
