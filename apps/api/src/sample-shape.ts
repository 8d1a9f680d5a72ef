import { seriesKey } from '@vigia/core';
import type { LiveSample } from '@vigia/live';
import { LABEL_NAME, METRIC_NAME, type Sample } from '@vigia/plugin-sdk';

/**
 * Whether a pushed item passes every check `sampleSchema` makes on JSON input, without zod. A
 * flood of bad samples is then refused without a ZodError (issues, paths, message) per sample;
 * zod stays the authority for the items that pass, and words the few errors sent back.
 * Kept in step with sampleSchema by test/sample-shape.test.ts.
 */
export function isSampleShaped(item: unknown): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const { name, value, labels, unit, timestamp } = item as Record<string, unknown>;
  if (typeof name !== 'string' || name.length > 200 || !METRIC_NAME.test(name)) return false;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (unit !== undefined && (typeof unit !== 'string' || unit.length > 32)) return false;
  if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0)) return false;
  if (labels === undefined) return true;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return false;
  let count = 0;
  for (const key in labels) {
    if (!Object.hasOwn(labels, key)) continue;
    const label = (labels as Record<string, unknown>)[key];
    if (!LABEL_NAME.test(key) || key.startsWith('__') || typeof label !== 'string' || label.length > 1024) return false;
    if (++count > 32) return false;
  }
  return true;
}

/**
 * What sampleSchema would output for an item isSampleShaped accepted: only the schema's own keys,
 * the labels copied. isSampleShaped is kept in step with the schema by test/sample-shape.test.ts,
 * so zod (a parse costing several microseconds and objects per sample, most of a remote-write
 * request's validation) is run only to word the refusals.
 */
export function shapedSample(item: Sample): Sample {
  const out: Sample = { name: item.name, value: item.value };
  if (item.labels !== undefined) {
    const labels: Record<string, string> = {};
    for (const key in item.labels) if (Object.hasOwn(item.labels, key)) labels[key] = item.labels[key]!;
    out.labels = labels;
  }
  if (item.unit !== undefined) out.unit = item.unit;
  if (item.timestamp !== undefined) out.timestamp = item.timestamp;
  return out;
}

/**
 * toLiveSample(shapedSample(item), now) in one step: the sample as it travels, with its own copy
 * of the labels, without the intermediate sample (one object fewer per sample of a remote-write
 * request).
 */
export function liveSampleOf(item: Sample, now: number): LiveSample {
  const labels: Record<string, string> = {};
  if (item.labels !== undefined) for (const key in item.labels) if (Object.hasOwn(item.labels, key)) labels[key] = item.labels[key]!;
  const out: LiveSample = { key: seriesKey(item.name, labels), name: item.name, labels, value: item.value, timestamp: item.timestamp ?? now };
  if (item.unit) out.unit = item.unit;
  return out;
}
