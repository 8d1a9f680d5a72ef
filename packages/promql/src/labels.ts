import type { Labels } from '@vigia/core';

export const NAME = '__name__';

export function withoutName(labels: Labels): Labels {
  if (!(NAME in labels)) return labels;
  const { [NAME]: _, ...rest } = labels;
  return rest;
}

/** A stable identity for a label set. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** Only the named labels (`on`, `by`), or all but them and the metric name (`ignoring`, `without`). */
export function projectLabels(labels: Labels, names: string[], keep: boolean): Labels {
  const out: Labels = {};
  if (keep) {
    for (const n of names) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n]!;
  } else {
    const drop = new Set([...names, NAME]);
    for (const [k, v] of Object.entries(labels)) if (!drop.has(k)) out[k] = v;
  }
  return out;
}
