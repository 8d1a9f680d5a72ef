import { labelText } from '../live/series-key.ts';

/**
 * What tells two metrics of one chart apart: `api_response_time_p50` and `…_p95` are "p50" and
 * "p95"; `disk_used_bytes` and `disk_total_bytes` are "used" and "total".
 */
export function distinctParts(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (names.length < 2) {
    for (const n of names) out.set(n, '');
    return out;
  }
  const split = names.map((n) => n.split('_'));
  let prefix = 0;
  while (split.every((s) => s.length > prefix + 1 && s[prefix] === split[0]![prefix])) prefix++;
  let suffix = 0;
  while (split.every((s) => s.length > prefix + suffix + 1 && s[s.length - 1 - suffix] === split[0]![split[0]!.length - 1 - suffix])) suffix++;
  names.forEach((n, i) => out.set(n, split[i]!.slice(prefix, split[i]!.length - suffix).join('_')));
  return out;
}

/** Label names whose value differs between the lines: the only ones worth a place in a legend. */
export function varyingKeys(all: readonly Record<string, string>[]): string[] {
  const keys = new Set(all.flatMap((l) => Object.keys(l)));
  return [...keys].filter((k) => new Set(all.map((l) => l[k])).size > 1).sort();
}

/**
 * A line's legend label: the metric's distinct part, then what sets its series apart ("used ·
 * /data"). Label names are left out when one or two differ: the chart's title says "per mount".
 */
export function lineLabel(part: string, labels: Record<string, string>, fallback: string, keys: readonly string[] = Object.keys(labels)): string {
  const shown = keys.filter((k) => labels[k] !== undefined);
  const text = shown.length > 2 ? labelText(Object.fromEntries(shown.map((k) => [k, labels[k]!]))) : shown.map((k) => labels[k]).join(' · ');
  return [part, text].filter(Boolean).join(' · ') || fallback;
}
